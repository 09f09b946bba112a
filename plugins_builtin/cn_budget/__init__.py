"""Built-in plugin for Chinese department budget disclosures (部门预算公开)."""

"""Rule packs shipped with compliance, one folder per pack, installed as package data."""

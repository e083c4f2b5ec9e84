"""Pure keyboard builders: they take plain values and a Translator, and return markup."""

"""The live desk's writes, one module per noun: alerts, coverage (and its settings), entries."""

"""Qt style sheets."""

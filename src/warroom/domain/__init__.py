"""Pure domain code: no I/O, no Textual, the clock is always passed in."""

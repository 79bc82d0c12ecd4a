"""One module per `warroom` subcommand: its arguments (`ARGS`) and `run(args) -> int`."""

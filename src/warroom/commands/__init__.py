"""One module per `warroom` subcommand: its arguments (`ARGS`, or `add_arguments(parser)`) and `run(args) -> int`."""

"""One module per `warroom` subcommand: `add_arguments(parser)` and `run(args) -> int`."""

"""The full-screen Textual war room (`warroom` / `warroom open`). Imported only when it runs."""

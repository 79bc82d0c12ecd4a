"""Real helpers the tests share (a real HTTP server on 127.0.0.1, ...), no mocks."""

enum _StubPostgresSinkTests {}

enum _StubHostTests {}

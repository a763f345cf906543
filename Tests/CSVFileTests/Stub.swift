enum _StubCSVFileTests {}

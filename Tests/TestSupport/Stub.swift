enum _StubTestSupport {}

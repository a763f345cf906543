enum _StubETLFrameworkTests {}

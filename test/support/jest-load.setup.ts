// CI runs these beside Asterisk and the e2e suites on two cores: a platform boot or an espeak run that
// takes 1 s alone can take several then. A test that truly hangs still fails, later.
jest.setTimeout(20000);

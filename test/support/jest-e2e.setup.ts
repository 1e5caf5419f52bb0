// Real calls take seconds: ringing, answer, prompts, timeouts.
jest.setTimeout(60000);

/** Well-formed keys that follow Stripe's formats (random bodies; no real account behind them). */
export const keys = {
  testSecret: 'sk_test_51Habcdefghijklmnopqrstuv4f2a',
  testSecret2: 'sk_test_51Hzyxwvutsrqponmlkjihg9b1c',
  liveSecret: 'sk_live_51Habcdefghijklmnopqrstuv7d3e',
  testRestricted: 'rk_test_51Habcdefghijklmnopqrstuv5e6f',
  testPublishable: 'pk_test_51Habcdefghijklmnopqrstuv1a2b',
  livePublishable: 'pk_live_51Habcdefghijklmnopqrstuv3c4d',
  signingSecret: 'whsec_abcdefghijklmnopqrstuvwxyz012345',
  signingSecret2: 'whsec_ZYXWVUTSRQPONMLKJIHGFEDCBA987654',
  endpointId: 'we_1MqgfKLkdIwHu7ix0ZR4jBzT',
};

export const allSecrets = [
  keys.testSecret,
  keys.testSecret2,
  keys.liveSecret,
  keys.testRestricted,
  keys.signingSecret,
  keys.signingSecret2,
];

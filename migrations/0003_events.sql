-- Reserved for events, subscriptions and the outbox (filled in by that change).
SELECT 1;

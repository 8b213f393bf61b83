-- Reserved for one-shot notifications (filled in by that change).
SELECT 1;

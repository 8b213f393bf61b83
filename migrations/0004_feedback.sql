-- Reserved for feedback reports (filled in by that change).
SELECT 1;

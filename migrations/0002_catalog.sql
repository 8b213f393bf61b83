-- Reserved for the image catalog cache (filled in by that change).
SELECT 1;

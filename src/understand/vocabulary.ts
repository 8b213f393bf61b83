/**
 * The words the classifier knows. Kept apart from the rules so the lists can grow without
 * touching the logic.
 */

/**
 * Image names that are also everyday words in a Docker chat ("docker content trust", "alpine
 * tags", "a unit test"): they count as the image only with evidence (see image-match.ts).
 */
export const GENERIC_IMAGE_NAMES: ReadonlySet<string> = new Set([
  'docker',
  'alpine',
  'debian',
  'ubuntu',
  'busybox',
  'registry',
  'notary',
  'unit',
  'bash',
  'ghost',
  'swift',
  'spark',
  'storm',
  'crate',
  'alt',
  'hitch',
  'backdrop',
  'ros',
  'nim',
  'photon',
  'varnish',
  'composer',
]);

/** Names people use for an image that are not its name. */
export const IMAGE_ALIASES: Readonly<Record<string, string>> = {
  nodejs: 'node',
  'node.js': 'node',
  postgresql: 'postgres',
  psql: 'postgres',
  mongodb: 'mongo',
  elastic: 'elasticsearch',
  temurin: 'eclipse-temurin',
  mosquitto: 'eclipse-mosquitto',
  corretto: 'amazoncorretto',
  semeru: 'ibm-semeru-runtimes',
  zulu: 'azul-zulu',
  'apache-httpd': 'httpd',
  rocketchat: 'rocket.chat',
  rocky: 'rockylinux',
  alma: 'almalinux',
  'hello world': 'hello-world',
  helloworld: 'hello-world',
  maria: 'mariadb',
  rabbit: 'rabbitmq',
};

/** Words that make the next generic name an image: "the alpine image", "busybox tags". */
export const IMAGE_NOUNS: ReadonlySet<string> = new Set(['image', 'tags', 'tag', 'container', 'versions', 'version', 'variants', 'releases', 'release', 'manifest', 'repo']);

/** Words before a generic name that point at it as a thing: "of alpine", "is unit deprecated". */
export const IMAGE_POINTERS: ReadonlySet<string> = new Set(['of', 'for', 'about', 'is', 'was', 'does', 'do', 'did', 'has', 'latest', 'newest', 'current', 'replaces', 'replace', 'pull', 'use']);

/** Words after a generic name that make it part of another noun: "docker content trust". */
export const COMPOUND_NEXT: ReadonlySet<string> = new Set([
  'content',
  'trust',
  'hub',
  'compose',
  'desktop',
  'engine',
  'daemon',
  'socket',
  'cli',
  'scout',
  'based',
  'base',
  'linux',
  'user',
  'users',
  'install',
  'build',
  'builds',
  'buildx',
  'package',
  'packages',
  'shell',
  'script',
  'scripts',
  'test',
  'tests',
  'official',
  'inc',
  'team',
  'swarm',
  'images',
  'variant',
  'variants',
  'flavour',
  'flavor',
]);

/** Intent and fact words, for typo repair ("lastest" -> "latest"); also never taken as image typos. */
export const KEYWORDS: readonly string[] = [
  'latest',
  'newest',
  'available',
  'availability',
  'published',
  'publish',
  'pushed',
  'updated',
  'update',
  'built',
  'architecture',
  'architectures',
  'platform',
  'platforms',
  'deprecated',
  'deprecation',
  'replacement',
  'replaces',
  'replace',
  'alternative',
  'alternatives',
  'removed',
  'disappeared',
  'deleted',
  'dropped',
  'version',
  'versions',
  'variant',
  'variants',
  'tags',
  'alpine',
  'windows',
  'released',
  'release',
  'vulnerable',
  'vulnerability',
  'vulnerabilities',
  'security',
  'scanner',
  'supported',
  'support',
  'official',
  'image',
  'images',
  'which',
  'what',
  'when',
  'where',
  'affected',
  'signed',
  'signature',
  'report',
  'feedback',
  'request',
  'requests',
  'review',
  'queue',
];

/**
 * Everyday words that are never image typos, even when one letter away from a name ("trust" /
 * rust, "nodes" / node, "rest" / rust).
 */
export const COMMON_WORDS: ReadonlySet<string> = new Set([
  ...KEYWORDS,
  ...`a about above after again against all also am an and any anyone anything are aren around as ask asked at be been before being below
between both but by can cannot could did didn do does doesn doing don done down during each either else even ever every few for from
further get gets getting give given go going gone good got had has hasn have haven having he her here hers how however i if in into is
isn it its itself just know known last least less let like likely list lists look looks made make makes many may me might mine more most
much must my need needs new next no nor not now of off often old older on once one only or other our out over own please point points
pull pulls put rather really right run runs running same say says see seem seems set sets shall she should show shows since so some
something still such sure take tell than thank thanks that the their theirs them then there these they thing things think this those
though through to today too tried try trying under until up upon us use used uses using very want wants was wasn way we well were
weren what whats when whenever where whether which while who whom whose why will with within without won would yes yet you your
yours hello hey hi ok okay lol cool nice bot bots rest trust test tests nodes note notes units unite bashed crates storms ghosts
slim slimmer windows rust trusted trusting content contents signed sign signing hub docker compose desktop engine daemon socket
install installed installing build builds building base based linux kernel server servers service services container containers
registry manifest manifests digest digests layer layers size sizes smaller bigger small big tag tagged tagging repo repos repository
repositories github issue issues bug bugs problem problems error errors broken fail fails failed failing work works working worked
change changed changes changelog news note notes eta soon yet anymore longer missing gone removed drop dropped retire retired ended
end support supported supports maintained maintain maintainer maintainers unmaintained alive dead year years month months week weeks
day days time times date dates hour hours minute minutes current currently recent recently most newest oldest stable beta alpha
preview candidate lts long term file files folder config configuration default defaults option options flag flags env variable
variables port ports volume volumes network networks user users root password passwords secret secrets key keys cert certs
certificate certificates scan scans scanning scanner scanners trivy grype snyk clair scout cve cves ghsa fix fixed fixes patch
patched patches open opened close closed merge merged merging pending waiting wait reviewed reviewer approve approved approval
check checks green red status state label labels draft author authors pr prs pull pulls request requests queue issue tracker
report reporting reported file filing feedback help helps helping command commands thing stuff question questions answer answers
guess known unknown sorry please thanks thank great awesome best better worse worst fast faster slow slower official officials
library libraries program programs arm amd intel apple silicon raspberry pi power powerful mac macs macos laptop chip chips
host hosts machine machines cloud cluster clusters kubernetes helm pod pods node's proxy proxies web website site sites page
pages doc docs documentation readme guide tutorial example examples`
    .split(/\s+/)
    .filter(Boolean),
]);

/** Arch words that are everyday words too: they focus an arch only in an arch question. */
export const WEAK_ARCH_WORDS: ReadonlySet<string> = new Set(['power', 'windows', 'x86']);

/** Multi-word arch names, matched on the joined text. */
export const ARCH_PHRASES: readonly { readonly pattern: RegExp; readonly arch: 'arm64v8' | 'arm32v7' | 'amd64' }[] = [
  { pattern: /\bapple silicon\b|\bm[1-4] (?:mac|macbook|chip)s?\b/, arch: 'arm64v8' },
  { pattern: /\bgraviton\d?\b/, arch: 'arm64v8' },
  { pattern: /\barm 64\b/, arch: 'arm64v8' },
];

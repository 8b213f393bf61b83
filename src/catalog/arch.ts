/**
 * bashbrew architecture names (as in library/ manifests) and their Docker Hub / OCI platform.
 * Source: docker-library/bashbrew architecture/oci-platform.go.
 */
export const ARCHITECTURES = {
  amd64: { os: 'linux', architecture: 'amd64' },
  arm32v5: { os: 'linux', architecture: 'arm', variant: 'v5' },
  arm32v6: { os: 'linux', architecture: 'arm', variant: 'v6' },
  arm32v7: { os: 'linux', architecture: 'arm', variant: 'v7' },
  arm64v8: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  i386: { os: 'linux', architecture: '386' },
  mips64le: { os: 'linux', architecture: 'mips64le' },
  ppc64le: { os: 'linux', architecture: 'ppc64le' },
  riscv64: { os: 'linux', architecture: 'riscv64' },
  s390x: { os: 'linux', architecture: 's390x' },
  'windows-amd64': { os: 'windows', architecture: 'amd64' },
} as const satisfies Record<string, { os: string; architecture: string; variant?: string }>;

export type BashbrewArch = keyof typeof ARCHITECTURES;

export function isBashbrewArch(name: string): name is BashbrewArch {
  return Object.hasOwn(ARCHITECTURES, name);
}

/** Hub platform -> bashbrew name ("arm64"+"v8" -> "arm64v8"); undefined when unknown. */
export function bashbrewArchOf(p: { os?: string | undefined; architecture: string; variant?: string | undefined }): BashbrewArch | undefined {
  for (const [name, plat] of Object.entries(ARCHITECTURES) as [BashbrewArch, { os: string; architecture: string; variant?: string }][]) {
    if (plat.architecture !== p.architecture || (p.os ?? 'linux') !== plat.os) continue;
    // Hub often omits the arm64 variant; arm "v7" must match exactly.
    if ((plat.variant ?? '') === (p.variant ?? '') || (name === 'arm64v8' && !p.variant)) return name;
  }
  return undefined;
}

/** Free-form arch words -> bashbrew names ("aarch64" -> arm64v8). */
export const ARCH_ALIASES: Readonly<Record<string, BashbrewArch>> = {
  amd64: 'amd64',
  'x86_64': 'amd64',
  'x86-64': 'amd64',
  x64: 'amd64',
  arm64: 'arm64v8',
  arm64v8: 'arm64v8',
  aarch64: 'arm64v8',
  armv8: 'arm64v8',
  arm32v7: 'arm32v7',
  armv7: 'arm32v7',
  armhf: 'arm32v7',
  arm32v6: 'arm32v6',
  armv6: 'arm32v6',
  armel: 'arm32v5',
  arm32v5: 'arm32v5',
  armv5: 'arm32v5',
  i386: 'i386',
  i686: 'i386',
  '386': 'i386',
  x86: 'i386',
  ppc64le: 'ppc64le',
  power: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  'risc-v': 'riscv64',
  mips64le: 'mips64le',
  windows: 'windows-amd64',
  'windows-amd64': 'windows-amd64',
};

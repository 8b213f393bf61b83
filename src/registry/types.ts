/** What the `trust` command receives (CommandServices.trust); implemented by TrustService. */

export interface PlatformAttestations {
  /** "linux/amd64", "linux/arm/v7", "windows/amd64" */
  readonly platform: string;
  /** undefined: not known (the attestation manifest could not be fetched). */
  readonly sbom: boolean | undefined;
  readonly provenance: boolean | undefined;
}

export interface TrustReport {
  readonly image: string;
  readonly tag: string;
  /** The index (or manifest) digest the tag points at now: what to pin. */
  readonly digest: string;
  /** Absent when the index could not be read; then `unknown` says why. */
  readonly platforms?: readonly PlatformAttestations[];
  /** A single-platform manifest rather than an index: no attestations. */
  readonly single?: boolean;
  /** Why some or all attestation facts are unknown (fit for chat). */
  readonly unknown?: string;
}

export interface TrustLookup {
  /** null: the registry has no such tag. Throws UpstreamError (with a userMessage) when the registry fails. */
  lookup(image: string, tag: string): Promise<TrustReport | null>;
  /** Lines for `status`: the pull budget as the registry last reported it. */
  details?(): readonly string[];
}

import semver from 'semver';
import type { ExtensionDetails, ExtensionVersion } from '../client/schemas.js';
import { MarketplaceErrors as E } from '../errors.js';
import { isHostCompatible } from './checks.js';

const newest = (versions: ExtensionVersion[]) => [...versions].sort((a, b) => semver.rcompare(a.version, b.version))[0];

/**
 * Picks the version to install: a version id, an exact version, a dist-tag, or a range (newest
 * host-compatible match). Without a reference: the newest stable version compatible with the host.
 */
export function selectVersion(
  details: ExtensionDetails,
  ref: string | undefined,
  hostVersion: string,
  force: boolean,
): ExtensionVersion {
  const versions = details.versions;
  const compatible = (list: ExtensionVersion[]) => list.filter((v) => isHostCompatible(hostVersion, v.host_version));
  if (ref) {
    const byId = versions.find((v) => v.id === ref);
    if (byId) return byId;
    const exact = semver.valid(ref) ? versions.find((v) => v.version === semver.clean(ref)) : undefined;
    if (exact) return exact;
    const tagged = details.dist_tags?.[ref];
    if (tagged) {
      const v = versions.find((x) => x.version === tagged);
      if (v) return v;
    }
    const range = semver.valid(ref) ? null : semver.validRange(ref);
    const matching = range ? versions.filter((v) => semver.satisfies(v.version, range)) : [];
    if (matching.length === 0) throw E.MKT_VERSION_NOT_FOUND({ version: `${details.name}@${ref}` });
    // an incompatible match is returned so the host check reports it (or force installs it)
    return newest(compatible(matching)) ?? newest(matching);
  }
  const stable = versions.filter((v) => !semver.prerelease(v.version));
  const pick = newest(compatible(stable));
  if (pick) return pick;
  const latest = versions.find((v) => v.version === details.dist_tags?.latest) ?? newest(stable) ?? newest(versions);
  if (!latest) throw E.MKT_VERSION_NOT_FOUND({ version: `${details.name} (no versions)` });
  if (!force) throw E.MKT_INCOMPATIBLE_HOST({ name: details.name, host: latest.host_version, hostVersion });
  return latest;
}

/** The newest host-compatible version above `current` (stable only, unless `current` is a prerelease). */
export function selectUpdate(
  details: ExtensionDetails,
  current: string,
  hostVersion: string,
): ExtensionVersion | undefined {
  const allowPre = semver.prerelease(current) !== null;
  return newest(
    details.versions.filter(
      (v) =>
        semver.gt(v.version, current) &&
        (allowPre || !semver.prerelease(v.version)) &&
        isHostCompatible(hostVersion, v.host_version),
    ),
  );
}

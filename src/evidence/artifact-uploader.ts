import { DefaultArtifactClient, type ArtifactClient } from "@actions/artifact";
import type { Publisher } from "./publish.js";

/**
 * The Publisher's uploadArtifact backed by @actions/artifact. The artifact service is reachable only
 * inside a GitHub Actions job (ACTIONS_RUNTIME_TOKEN set); the entry point checks that and says so
 * here, so this module never reads the environment.
 */
export function artifactUploader(
  runtimeTokenPresent: boolean,
  client: Pick<ArtifactClient, "uploadArtifact"> = new DefaultArtifactClient(),
): Publisher["uploadArtifact"] {
  if (!runtimeTokenPresent) return undefined;
  return async (name, files, rootDir, retentionDays) => {
    await client.uploadArtifact(name, files, rootDir, { retentionDays });
  };
}

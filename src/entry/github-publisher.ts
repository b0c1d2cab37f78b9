import * as core from "@actions/core";
import { artifactUploader } from "../evidence/artifact-uploader.js";
import type { Publisher } from "../evidence/publish.js";

// Apart from entry/github.ts so that the post step, which imports that, never loads the artifact client.

/** Job summary, annotations, and the artifact service where the runner offers one. */
export function actionPublisher(env: NodeJS.ProcessEnv): Publisher {
  return {
    writeSummary: async (markdown) => {
      await core.summary.addRaw(markdown).write();
    },
    uploadArtifact: artifactUploader(Boolean(env.ACTIONS_RUNTIME_TOKEN)),
    annotate: (level, message, title) => {
      const props = title ? { title } : undefined;
      if (level === "error") core.error(message, props);
      else if (level === "warning") core.warning(message, props);
      else core.notice(message, props);
    },
  };
}

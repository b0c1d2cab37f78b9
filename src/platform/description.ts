import { parse as parseYaml } from "yaml";
import { z } from "zod";

/**
 * A platform API described step by step (platform-preset custom, the YAML file platform-config;
 * the radix preset is the built-in RADIX description in radix.ts). Each step is an HTTP call:
 * `method`, `path` (placeholders such as {clusterId} are filled in and URL-encoded), an optional
 * JSON `body` (a string that is exactly "{params}" becomes the job's params object; other
 * placeholders in strings are filled in), and JSON paths ($.a.b[0].c) to what the run reads from
 * the reply.
 */

/** A JSON path: $ then .name or [index] steps, e.g. $.id, $.data.items, $.workspace.agent.version. */
const JSON_PATH = /^\$(?:\.[A-Za-z_][\w-]*|\[\d+\])*$/;
const JsonPath = z.string().regex(JSON_PATH, "must be a JSON path such as $.id or $.data.items[0].id");
const Values = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
    error: "must be a value or a list of values, such as READY or [READY, RUNNING]",
  })
  .transform((v) => (Array.isArray(v) ? v : [v]));
const Method = z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]);

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
const strings = (value: unknown): string[] =>
  typeof value === "string"
    ? [value]
    : Array.isArray(value)
      ? value.flatMap(strings)
      : value && typeof value === "object"
        ? Object.values(value).flatMap(strings)
        : [];

/** One call whose path and body may use `vars`; `method` defaults to the step's usual one. */
function call<T extends z.ZodRawShape>(vars: readonly string[], method: z.infer<typeof Method>, reads: T) {
  const known = (text: string) => placeholders(text).filter((p) => !vars.includes(p));
  const fix = `the placeholders here are ${vars.length > 0 ? vars.map((v) => `{${v}}`).join(", ") : "none"}`;
  return z
    .object({
      method: Method.default(method),
      path: z
        .string()
        .regex(/^\/\S*$/, "must be a path starting with / (appended to platform-api-url)")
        .refine((p) => known(p).length === 0, { message: `names a placeholder this step does not have: ${fix}` }),
      body: z
        .unknown()
        .optional()
        .refine((b) => strings(b).every((s) => known(s).length === 0), { message: `names a placeholder this step does not have: ${fix}` }),
      ...reads,
    })
    .strict();
}

export const PlatformDescription = z
  .object({
    cluster: z
      .object({
        create: call(["name"], "POST", { id: JsonPath }),
        onboardingToken: call(["clusterId"], "POST", { token: JsonPath }),
        status: call(["clusterId"], "GET", {
          status: JsonPath,
          active: Values,
          failed: Values.optional(),
          agentVersion: JsonPath.optional(),
        }),
        delete: call(["clusterId"], "DELETE", {}),
        list: call([], "GET", { items: JsonPath, id: JsonPath, name: JsonPath, createdAt: JsonPath.optional() }),
      })
      .strict(),
    jobs: z
      .object({
        submit: call(["clusterId", "type", "params"], "POST", { id: JsonPath }),
        poll: call(["clusterId", "jobId"], "GET", {
          status: JsonPath,
          succeeded: Values,
          failed: Values,
          message: JsonPath.optional(),
          metrics: JsonPath.optional(),
        }),
        metrics: call(["clusterId", "jobId"], "GET", { metrics: JsonPath }).optional(),
      })
      .strict()
      .refine((j) => j.poll.metrics !== undefined || j.metrics !== undefined, {
        message: "says nowhere where a job's metrics are: give poll.metrics (a JSON path in the poll reply) or a metrics step",
      }),
  })
  .strict();

export type PlatformDescription = z.infer<typeof PlatformDescription>;
export type PlatformCall = PlatformDescription["cluster"]["delete"];

/**
 * Reads and checks a platform-config file's text (YAML). Returns the description; throws a list
 * of problems, each naming the field (e.g. `cluster.create.id`) and the fix. `source` names the
 * file in the messages.
 */
export function parsePlatformDescription(text: string, source: string): PlatformDescription {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new PlatformConfigError([`${source} is not valid YAML: ${(error as Error).message.split("\n")[0]}`]);
  }
  if (raw === null || raw === undefined)
    throw new PlatformConfigError([`${source} is empty: describe each step of the API (see examples/platform-custom.yaml)`]);
  const parsed = PlatformDescription.safeParse(raw);
  if (!parsed.success) {
    throw new PlatformConfigError(
      parsed.error.issues.map((i) => {
        const field = i.path.join(".") || "(the file)";
        const message =
          (i.code === "invalid_type" || i.code === "invalid_union") && at(raw, i.path) === undefined
            ? "is required (see examples/platform-custom.yaml)"
            : i.code === "unrecognized_keys"
              ? `has ${i.keys.map((k) => `'${k}'`).join(", ")}, which ${i.keys.length > 1 ? "are" : "is"} not a field here (see examples/platform-custom.yaml)`
              : i.message;
        return `${source} ${field}: ${message}`;
      }),
    );
  }
  return parsed.data;
}

/** The value of the parsed YAML at a zod issue's path. */
function at(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), value);
}

/** A platform-config that cannot be used: each problem names the field and the fix. */
export class PlatformConfigError extends Error {
  override name = "PlatformConfigError";
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
  }
}

/** The value at a JSON path (see JSON_PATH) in a parsed reply; undefined where the path leads nowhere. */
export function readJsonPath(value: unknown, path: string): unknown {
  let at: unknown = value;
  for (const [, name, index] of path.slice(1).matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)) {
    if (at === null || typeof at !== "object") return undefined;
    at = name !== undefined ? (at as Record<string, unknown>)[name] : (at as unknown[])[Number(index)];
  }
  return at;
}

/** A step's path with its placeholders filled in, each value URL-encoded. */
export function fillPath(path: string, vars: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(vars[name] ?? ""));
}

/** A step's body with its placeholders filled in: "{params}" alone becomes the params object. */
export function fillBody(body: unknown, vars: Record<string, string>, params?: Record<string, unknown>): unknown {
  if (typeof body === "string") {
    if (body === "{params}") return params ?? {};
    return body.replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? "");
  }
  if (Array.isArray(body)) return body.map((b) => fillBody(b, vars, params));
  if (body && typeof body === "object") return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fillBody(v, vars, params)]));
  return body;
}

/**
 * The request that deletes `clusterId` by `d` at `apiUrl` ("DELETE https://…/v1/clusters/c-1"),
 * for an error that tells a person how to delete it by hand.
 */
export function deleteRequest(d: PlatformDescription, clusterId: string, apiUrl: string): string {
  const c = d.cluster.delete;
  return `${c.method} ${apiUrl}${fillPath(c.path, { clusterId })}`;
}

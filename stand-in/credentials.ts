import { ACCOUNT_ID, newAccessKeyId, newSecret } from "./ids.js";
import { sigV4Identity, type Request } from "./http.js";

export interface StaticKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Temporary credentials STS issued. */
export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  at: Date;
}

export type Authentication =
  { ok: true; accessKeyId: string; arn: string } | { ok: false; accessKeyId?: string; reason: "missing" | "unknown" | "expired" };

/** Which access keys the stand-in accepts: the allow-listed static ones and what STS issued. */
export class CredentialStore {
  readonly staticKeys: StaticKey[];
  readonly sessions: Session[] = [];

  constructor(extraStaticKeys: StaticKey[] = []) {
    this.staticKeys = [{ accessKeyId: newAccessKeyId("AKIA"), secretAccessKey: newSecret() }, ...extraStaticKeys];
  }

  issue(roleArn: string, sessionName: string, durationSeconds: number, lifetimeMs: number): Session {
    const session: Session = {
      accessKeyId: newAccessKeyId("ASIA"),
      secretAccessKey: newSecret(),
      sessionToken: `IQoJb3JpZ2luX2Vj${newSecret(180)}`,
      expiration: new Date(Date.now() + lifetimeMs),
      roleArn,
      sessionName,
      durationSeconds,
      at: new Date(),
    };
    this.sessions.push(session);
    return session;
  }

  /** Signatures are not verified; the access key (and the session token that must come with a temporary one) is. */
  authenticate(req: Request): Authentication {
    const identity = sigV4Identity(req);
    if (!identity) return { ok: false, reason: "missing" };
    const { accessKeyId, sessionToken } = identity;
    if (this.staticKeys.some((k) => k.accessKeyId === accessKeyId)) {
      return { ok: true, accessKeyId, arn: `arn:aws:iam::${ACCOUNT_ID}:user/stand-in` };
    }
    const session = this.sessions.find((s) => s.accessKeyId === accessKeyId);
    if (!session || session.sessionToken !== sessionToken) return { ok: false, accessKeyId, reason: "unknown" };
    if (session.expiration.getTime() <= Date.now()) return { ok: false, accessKeyId, reason: "expired" };
    return { ok: true, accessKeyId, arn: assumedRoleArn(session.roleArn, session.sessionName) };
  }
}

export function assumedRoleArn(roleArn: string, sessionName: string): string {
  const [, account, roleName] = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn) ?? [];
  return `arn:aws:sts::${account ?? ACCOUNT_ID}:assumed-role/${roleName ?? "unknown"}/${sessionName}`;
}

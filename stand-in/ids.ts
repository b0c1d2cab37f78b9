import { createHash, randomBytes, randomUUID } from "node:crypto";

export const ACCOUNT_ID = "123456789012";

function hex(chars: number): string {
  return randomBytes(Math.ceil(chars / 2))
    .toString("hex")
    .slice(0, chars);
}

function upperAlnum(chars: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return [...randomBytes(chars)].map((b) => alphabet[b % alphabet.length]).join("");
}

export const newRequestId = (): string => randomUUID();
export const newInstanceId = (): string => `i-${hex(17)}`;
export const newReservationId = (): string => `r-${hex(17)}`;
export const newCommandId = (): string => randomUUID();
export const newVolumeId = (): string => `vol-${hex(17)}`;
export const newSpotRequestId = (): string => `sir-${hex(8)}`;
/** Keys of temporary credentials start with ASIA, long-term keys with AKIA. */
export const newAccessKeyId = (kind: "ASIA" | "AKIA"): string => `${kind}${upperAlnum(16)}`;
export const newSecret = (bytes = 30): string => randomBytes(bytes).toString("base64").replace(/[+/=]/g, "x");

/** A stable number for a name: same input, same subnet AZ or AMI id, run after run. */
export function stableHash(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32BE(0);
}

export function stableHex(text: string, chars: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, chars);
}

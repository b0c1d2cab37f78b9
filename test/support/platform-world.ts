import { afterAll, beforeAll } from "vitest";
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { startPlatformStandIn, type PlatformFaults, type PlatformStandIn } from "../../stand-in/platform.js";
import { startMoto, type MotoServer } from "../conformance/moto-server.js";

/**
 * A platform to run against, with nothing real behind it: moto_server's Cognito (a user pool, an
 * app client with a secret that allows ADMIN_USER_PASSWORD_AUTH, a CI user with a permanent
 * password) and the radix platform stand-in whose JWT authorizer trusts that pool. `inputs` are
 * the action inputs of a run through it, secrets included; `env` points the Cognito client at moto.
 * The e2e tests and `npm start -- --platform radix` share it.
 */
export interface PlatformWorld {
  moto: MotoServer;
  platform: PlatformStandIn;
  /** The planted secrets: none may appear in any log, command, summary or S3 object. */
  secrets: { password: string; clientSecret: string };
  inputs: Record<string, string>;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The stand-in agent image: stand-in/images/radix-agent.sh plays it, reporting its tag as its version. */
export const STAND_IN_AGENT_IMAGE = "ghcr.io/radix-ai/radix-agent:1.4.2";

const REGION = "us-west-2";

export async function startPlatformWorld(faults: PlatformFaults = {}): Promise<PlatformWorld> {
  const moto = await startMoto();
  try {
    const admin = new CognitoIdentityProviderClient({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: "t", secretAccessKey: "t" },
    });
    const password = "Planted-Cognito-Passw0rd!7c1e";
    const pool = (await admin.send(new CreateUserPoolCommand({ PoolName: "gpu-bench-ci" }))).UserPool!.Id!;
    const client = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: pool,
          ClientName: "ci",
          GenerateSecret: true,
          ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        }),
      )
    ).UserPoolClient!;
    await admin.send(
      new AdminCreateUserCommand({ UserPoolId: pool, Username: "ci-user", TemporaryPassword: "Temp-Passw0rd!", MessageAction: "SUPPRESS" }),
    );
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: "ci-user", Password: password, Permanent: true }));
    admin.destroy();
    const platform = await startPlatformStandIn({
      jwksUrl: `${moto.endpoint}/${pool}/.well-known/jwks.json`,
      issuer: `https://cognito-idp.${REGION}.amazonaws.com/${pool}`,
      clientId: client.ClientId!,
      tokenUse: "id",
      faults,
    });
    return {
      moto,
      platform,
      secrets: { password, clientSecret: client.ClientSecret! },
      inputs: {
        "platform-api-url": platform.url,
        "cognito-user-pool-id": pool,
        "cognito-client-id": client.ClientId!,
        "cognito-client-secret": client.ClientSecret!,
        "cognito-username": "ci-user",
        "cognito-password": password,
        "platform-agent-image": STAND_IN_AGENT_IMAGE,
        "platform-timeout-seconds": "120",
      },
      env: { AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: moto.endpoint },
      stop: async () => {
        await platform.close();
        await moto.stop();
      },
    };
  } catch (error) {
    await moto.stop();
    throw error;
  }
}

/**
 * One platform world per test file: started before the file's tests (moto's Cognito is slow to
 * start, hence the 120 s), stopped after them. `set` receives it once started.
 */
export function usePlatformWorld(set: (world: PlatformWorld) => void): void {
  let world: PlatformWorld | undefined;
  beforeAll(async () => {
    world = await startPlatformWorld();
    set(world);
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });
}

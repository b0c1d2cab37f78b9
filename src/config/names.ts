/** Every action input, output and saved-state name, in one place so a typo is a compile error. */
export const Inputs = {
  mode: "mode",
  awsRegion: "aws-region",
  roleToAssume: "role-to-assume",
  roleDurationSeconds: "role-duration-seconds",
  roleSessionName: "role-session-name",
  instanceTypes: "instance-types",
  subnetIds: "subnet-ids",
  securityGroupId: "security-group-id",
  instanceProfile: "instance-profile",
  ami: "ami",
  marketType: "market-type",
  ttlMinutes: "ttl-minutes",
  maxCostUsd: "max-cost-usd",
  startupTimeoutSeconds: "startup-timeout-seconds",
  rootVolumeGb: "root-volume-gb",
  evidenceBucket: "evidence-bucket",
  evidencePrefix: "evidence-prefix",
  suite: "suite",
  tags: "tags",
  k3sVersion: "k3s-version",
  epochs: "epochs",
  batchSize: "batch-size",
  baselineRuns: "baseline-runs",
  regressionThreshold: "regression-threshold",
  baselineFile: "baseline-file",
  failOnRegression: "fail-on-regression",
  retentionDays: "retention-days",
  hfToken: "hf-token",
  dryRun: "dry-run",
  platformApiUrl: "platform-api-url",
  platformPreset: "platform-preset",
  platformConfig: "platform-config",
  platformAuth: "platform-auth",
  cognitoUserPoolId: "cognito-user-pool-id",
  cognitoClientId: "cognito-client-id",
  cognitoClientSecret: "cognito-client-secret",
  cognitoUsername: "cognito-username",
  cognitoPassword: "cognito-password",
  cognitoAuthFlow: "cognito-auth-flow",
  platformTokenUse: "platform-token-use",
  platformToken: "platform-token",
  platformAudience: "platform-audience",
  clusterName: "cluster-name",
  platformAgentImage: "platform-agent-image",
  platformAgentScript: "platform-agent-script",
  platformTimeoutSeconds: "platform-timeout-seconds",
  stack: "stack",
  sweepRegions: "sweep-regions",
  githubToken: "github-token",
  comment: "comment",
  checkRun: "check-run",
  results: "results",
  pr: "pr",
} as const;
export type InputName = (typeof Inputs)[keyof typeof Inputs];

/** Inputs that hold secrets: masked the moment they are read, never echoed in an error. */
export const SECRET_INPUTS: readonly InputName[] = [
  Inputs.hfToken,
  Inputs.cognitoPassword,
  Inputs.cognitoClientSecret,
  Inputs.platformToken,
  Inputs.githubToken,
];

/** Where the CLI reads the secret inputs when no flag gives them (a flag may, none is required on the command line). */
export const SECRET_ENV: Partial<Record<InputName, string>> = {
  [Inputs.cognitoPassword]: "GPU_BENCH_COGNITO_PASSWORD",
  [Inputs.cognitoClientSecret]: "GPU_BENCH_COGNITO_CLIENT_SECRET",
  [Inputs.platformToken]: "GPU_BENCH_PLATFORM_TOKEN",
  [Inputs.githubToken]: "GITHUB_TOKEN",
  // Hugging Face's own variable for its token.
  [Inputs.hfToken]: "HF_TOKEN",
};

export const Outputs = {
  instanceId: "instance-id",
  instanceType: "instance-type",
  availabilityZone: "availability-zone",
  evidencePath: "evidence-path",
  resultsPath: "results-path",
  evidenceS3Uri: "evidence-s3-uri",
  verdict: "verdict",
  headline: "headline",
  sweptInstances: "swept-instances",
  comparisonPath: "comparison-path",
} as const;
export type OutputName = (typeof Outputs)[keyof typeof Outputs];

/** The key main saves the run's state under (GITHUB_STATE) for the post step. */
export const STATE_KEY = "gpu-bench-run";

/** Tags on every instance and volume this tool launches; the post step, sweep and IAM conditions key on them. */
export const MANAGED_BY = { key: "managed-by", value: "ephemeral-gpu-bench" } as const;
export const TagKeys = {
  repository: "gpu-bench:repository",
  runId: "gpu-bench:run-id",
  attempt: "gpu-bench:run-attempt",
  job: "gpu-bench:job",
  expiresAt: "gpu-bench:expires-at",
  /** The infra stack whose roles may command and terminate the instance (IAM conditions key on it). */
  stack: "gpu-bench:stack",
  /** Random per job instance (made in main): matrix legs share run id, attempt and job, never this. */
  nonce: "gpu-bench:nonce",
  /** The runner (RUNNER_NAME): lets a post step without its state find only its own leg's instance. */
  runner: "gpu-bench:runner",
} as const;

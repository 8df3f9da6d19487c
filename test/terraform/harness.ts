// Runs Terraform with the hashicorp/aws provider against a test server. The provider comes
// from a local filesystem mirror, never the network: APPMESHD_TF_PROVIDER_MIRROR names it,
// else Terraform's implied mirror locations are searched.
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/server.js';

export const PROVIDER_VERSION = '5.100.0';
const PROVIDER_DIR = join('registry.terraform.io', 'hashicorp', 'aws');

export const configsDir = join(repoRoot, 'test', 'terraform', 'configs');

function impliedMirrors(): string[] {
  const xdg = process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  return [
    join(homedir(), '.terraform.d', 'plugins'),
    join(xdg, 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ];
}

/** Where Terraform and the provider are, or why the suite cannot run. */
export function findTerraform(): { mirror: string } | { skip: string } {
  const version = spawnSync('terraform', ['version'], {
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  if (version.error || version.status !== 0) return { skip: 'terraform is not on PATH' };
  const candidates = process.env.APPMESHD_TF_PROVIDER_MIRROR
    ? [process.env.APPMESHD_TF_PROVIDER_MIRROR]
    : impliedMirrors();
  const mirror = candidates.find(
    (dir) => existsSync(join(dir, PROVIDER_DIR, PROVIDER_VERSION)) || existsSync(join(dir, PROVIDER_DIR)),
  );
  if (!mirror)
    return {
      skip: `no hashicorp/aws provider mirror (set APPMESHD_TF_PROVIDER_MIRROR; looked in ${candidates.join(', ')})`,
    };
  return { mirror };
}

export interface ProviderOptions {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /**
   * Which skip_* flags the provider block sets: all of them, none (the provider validates
   * credentials and learns the account id through STS), or all but
   * skip_requesting_account_id (for resources whose state depends on the account id).
   */
  skips: 'all' | 'none' | 'all-but-account-id';
}

function providerBlock(o: ProviderOptions): string {
  const flags =
    o.skips === 'none'
      ? []
      : [
          'skip_credentials_validation',
          'skip_metadata_api_check',
          'skip_region_validation',
          ...(o.skips === 'all' ? ['skip_requesting_account_id'] : []),
        ];
  const skips = flags.map((f) => `\n  ${f} = true`).join('');
  const endpoints = ['appmesh', 'ec2', 'iam', 'servicediscovery', 'sts']
    .map((s) => `    ${s} = "${o.endpoint}"`)
    .join('\n');
  return `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "${PROVIDER_VERSION}" }
  }
}

variable "suffix" {
  type    = string
  default = "one"
}

provider "aws" {
  region     = "${o.region}"
  access_key = "${o.accessKeyId}"
  secret_key = "${o.secretAccessKey}"${skips}
  endpoints {
${endpoints}
  }
}
`;
}

export class Workspace {
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly root: string,
    mirror: string,
  ) {
    mkdirSync(join(root, 'plugin-cache'), { recursive: true });
    const cliConfig = join(root, 'terraform.rc');
    writeFileSync(
      cliConfig,
      `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n` +
        `plugin_cache_dir = ${JSON.stringify(join(root, 'plugin-cache'))}\n`,
    );
    this.env = {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      TF_INPUT: '0',
      TF_LOG: '',
      // Terraform and the provider are short-lived Go processes whose startup (the provider's schema) is mostly
      // garbage-collector work; a larger GC target cuts their CPU by about a third for a little more memory.
      GOGC: '400',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  /** A directory holding configuration `name` and a provider block for the server. */
  prepare(name: string, provider: ProviderOptions): string {
    const dir = join(this.root, name);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(configsDir, name, 'main.tf'), join(dir, 'main.tf'));
    writeFileSync(join(dir, 'provider.tf'), providerBlock(provider));
    return dir;
  }

  run(dir: string, args: string[]): Promise<{ code: number; output: string }> {
    return new Promise((resolve) => {
      execFile(
        'terraform',
        [...args, '-no-color'],
        { cwd: dir, env: this.env, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, output: `${stdout}${stderr}` });
        },
      );
    });
  }
}

/** The part of Terraform's output worth showing when a step fails: errors and planned changes. */
export function summarize(output: string): string {
  const lines = output.split('\n');
  const keep = lines.filter(
    (l) => /^(Error|│|\s+# |\s+[~+-] |\s+-\/\+ |Plan:)/.test(l) && !/known after apply/.test(l),
  );
  return (keep.length ? keep : lines.slice(-40)).slice(0, 120).join('\n');
}

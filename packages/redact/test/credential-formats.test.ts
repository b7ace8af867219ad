// Issue 15 item 2: well-known credential formats found by their shape. Every format of
// CREDENTIAL_FORMATS gets generated positives (from the shared corpus where it has the kind,
// otherwise from the vendor's documented shape below), redacted in prose, JSON text, a URL
// query and glued to punctuation, and near misses (one character short, a character outside
// the alphabet, the prefix inside a longer word) that are left as they are. The finding
// (ghp_…, github_pat_…, glpat-…, xoxb-…, Slack webhook URLs, sk_live_…, rk_live_…, AIza… passed
// through untouched) fails on the code before credential-formats.ts.
import { createRedactor } from '@threadline/redact';
import {
  CREDENTIAL_FORMATS,
  mayContainCredential,
  redactCredentialFormats,
} from '@threadline/redact/rules';
import {
  VENDOR_SECRET_KINDS,
  createSeededRandom,
  generateLookAlikeCorpus,
  generateVendorCredential,
  generateVendorNearMiss,
} from '@threadline/redact/test-corpus';
import type { SeededRandom, VendorSecretKind } from '@threadline/redact/test-corpus';
import { describe, expect, it } from 'vitest';
import type { BuiltInPatternName } from '../src/types.ts';
import { BUILT_IN_PATTERNS } from '../src/value-patterns.ts';

const R = '[REDACTED]';
const redactor = createRedactor();
// Only the credential formats: proves a positive is found by its shape, not by a key or
// another pattern, and that a near miss is not taken for a credential by these rules.
const shapeOnly = createRedactor({
  disablePatterns: [...BUILT_IN_PATTERNS.keys()].filter(
    (name): name is BuiltInPatternName => name !== 'credentialFormats',
  ),
});

const DIGITS = '0123456789';
const HEX = '0123456789abcdef';
const MIXED_HEX = '0123456789abcdefABCDEF';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LETTERS = `${UPPER}${LOWER}`;
const ALNUM = `${LETTERS}${DIGITS}`;
const UPPER_ALNUM = `${UPPER}${DIGITS}`;
const LOWER_ALNUM = `${LOWER}${DIGITS}`;
const TOKEN = `${ALNUM}_-`;
const BASE64 = `${ALNUM}+/`;
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

interface Positive {
  /** What is logged: the credential, with its context for context-anchored formats. */
  readonly text: string;
  /** What must not survive. */
  readonly secret: string;
}

interface Shape {
  make(random: SeededRandom): Positive;
  /** Near misses, each to be left exactly as it is. */
  nearMisses(random: SeededRandom): string[];
}

type Length = number | readonly [number, number];

function pickLength(random: SeededRandom, length: Length): number {
  return typeof length === 'number' ? length : random.int(length[0], length[1]);
}

function minLength(length: Length): number {
  return typeof length === 'number' ? length : length[0];
}

function replaceMiddle(text: string, from: number, character: string): string {
  const at = from + Math.floor((text.length - from) / 2);
  return text.slice(0, at) + character + text.slice(at + 1);
}

interface PrefixedOptions {
  readonly suffix?: string;
  /** A character outside the body's alphabet, put in the middle of the body. */
  readonly wrong?: string;
  /** Whether a letter glued before the credential makes it part of a longer word. @default true */
  readonly glued?: boolean;
  /** The shortest body the vendor issues, when shorter than the generated ones. */
  readonly minimum?: number;
}

/** `prefix` + `length` characters of `alphabet` (+ `suffix`): the common shape. */
function prefixed(
  prefix: string,
  alphabet: string,
  length: Length,
  options: PrefixedOptions = {},
): Shape {
  const suffix = options.suffix ?? '';
  return {
    make(random) {
      const body = random.string(alphabet, pickLength(random, length));
      return { text: `${prefix}${body}${suffix}`, secret: `${body}${suffix}` };
    },
    nearMisses(random) {
      const valid = `${prefix}${random.string(alphabet, minLength(length))}${suffix}`;
      const shortest = options.minimum ?? minLength(length);
      const misses = [`${prefix}${random.string(alphabet, shortest - 1)}${suffix}`];
      if (options.wrong !== undefined)
        misses.push(replaceMiddle(valid, prefix.length, options.wrong));
      if (options.glued !== false) misses.push(`x${valid}`);
      return misses;
    },
  };
}

function custom(make: Shape['make'], nearMisses: Shape['nearMisses']): Shape {
  return { make, nearMisses };
}

const uuid = (random: SeededRandom): string =>
  `${random.string(HEX, 8)}-${random.string(HEX, 4)}-4${random.string(HEX, 3)}-a${random.string(HEX, 3)}-${random.string(HEX, 12)}`;

function base64Bytes(random: SeededRandom, bytes: number): string {
  const buffer = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) buffer[i] = random.int(0, 255);
  return Buffer.from(buffer).toString('base64');
}

// The vendors' documented shapes (gitleaks' rules, the vendors' token-format announcements),
// written here independently of the patterns they test.
const SHAPES: Record<string, Shape> = {
  'github-pat': prefixed('ghp_', ALNUM, 36, { wrong: '-' }),
  'github-fine-grained-pat': prefixed('github_pat_', `${ALNUM}_`, 82, { wrong: '-' }),
  'github-oauth': prefixed('gho_', ALNUM, 36, { wrong: '-' }),
  'github-app-token': prefixed('ghs_', ALNUM, 36, { wrong: '-' }),
  'github-refresh-token': prefixed('ghr_', ALNUM, 36, { wrong: '-' }),
  'gitlab-pat-routable': custom(
    (random) => {
      const body = `${random.string(TOKEN, random.int(27, 40))}.${random.string(LOWER_ALNUM, 9)}`;
      return { text: `glpat-${body}`, secret: body };
    },
    (random) => [
      `glpat-${random.string(ALNUM, 27)}.${random.string(LOWER_ALNUM, 8)}`,
      `glpat-${random.string(ALNUM, 15)}`,
    ],
  ),
  'gitlab-pat': prefixed('glpat-', TOKEN, 20, { wrong: '.' }),
  'gitlab-ptt': custom(
    (random) => {
      const body = random.string(HEX, 40);
      return { text: `glptt-${body}`, secret: body };
    },
    (random) => [
      `glptt-${random.string(HEX, 39)}`,
      `glptt-${random.string(HEX, 19)}`,
      `xglptt-${random.string(HEX, 40)}`,
    ],
  ),
  'gitlab-rrt': prefixed('GR1348941', TOKEN, 20, { wrong: '.' }),
  'gitlab-runner-authentication-token': prefixed('glrt-', TOKEN, 20, { wrong: '.' }),
  'gitlab-deploy-token': prefixed('gldt-', TOKEN, 20, { wrong: '.' }),
  'gitlab-feed-token': prefixed('glft-', TOKEN, 20, { wrong: '.' }),
  'gitlab-incoming-mail-token': prefixed('glimt-', TOKEN, 25, { wrong: '.' }),
  'gitlab-kubernetes-agent-token': prefixed('glagent-', TOKEN, 50, { wrong: '.' }),
  'gitlab-oauth-app-secret': prefixed('gloas-', TOKEN, 64, { wrong: '.' }),
  'gitlab-scim-token': prefixed('glsoat-', TOKEN, 20, { wrong: '.' }),
  'gitlab-feature-flag-client-token': prefixed('glffct-', TOKEN, 20, { wrong: '.' }),
  'gitlab-cicd-job-token': custom(
    (random) => {
      const body = `${random.string(ALNUM, random.int(1, 5))}_${random.string(TOKEN, 20)}`;
      return { text: `glcbt-${body}`, secret: body };
    },
    (random) => [
      `glcbt-${random.string(ALNUM, 3)}_${random.string(TOKEN, 19)}`,
      `glcbt-${random.string(ALNUM, 7)}_${random.string(TOKEN, 20)}`,
    ],
  ),
  'slack-bot-token': custom(
    (random) => {
      const body = `${random.string(DIGITS, random.int(10, 13))}-${random.string(DIGITS, random.int(10, 13))}-${random.string(ALNUM, 24)}`;
      return { text: `xoxb-${body}`, secret: body };
    },
    (random) => [
      `xoxb-${random.string(DIGITS, 4)}`,
      `xoxb-${random.string(DIGITS, 11)}-${random.string(ALNUM, 9)}`,
      `xoxb-${random.string(LOWER, 11)}-${random.string(ALNUM, 24)}`,
    ],
  ),
  'slack-user-token': custom(
    (random) => {
      const body = `${random.string(DIGITS, 11)}-${random.string(DIGITS, 12)}-${random.string(DIGITS, 12)}-${random.string(HEX, 32)}`;
      return { text: `xoxp-${body}`, secret: body };
    },
    (random) => [`xoxp-${random.string(DIGITS, 5)}`, `xoxp-${random.string(LOWER, 11)}-x`],
  ),
  'slack-app-token': custom(
    (random) => {
      const body = `1-A${random.string(UPPER_ALNUM, 10)}-${random.string(DIGITS, 13)}-${random.string(HEX, 64)}`;
      return { text: `xapp-${body}`, secret: body };
    },
    (random) => [`xapp-1-A${random.string(UPPER_ALNUM, 10)}`, `xapp-${random.string(HEX, 30)}`],
  ),
  'slack-config-access-token': prefixed('xoxe.xoxp-1-', ALNUM, 165, { minimum: 163 }),
  'slack-config-refresh-token': prefixed('xoxe-1-', ALNUM, 146, { wrong: '.' }),
  'slack-legacy-workspace-token': prefixed('xoxa-2-', ALNUM, [20, 48], { minimum: 8 }),
  'slack-legacy-token': custom(
    (random) => {
      const body = `${random.string(DIGITS, 10)}-${random.string(DIGITS, 11)}-${random.string(DIGITS, 12)}-${random.string(HEX, 32)}`;
      return { text: `xoxs-${body}`, secret: body };
    },
    (random) => [`xoxs-${random.string(DIGITS, 10)}-${random.string(HEX, 32)}`],
  ),
  'slack-webhook-url': custom(
    (random) => {
      const path = `T${random.string(UPPER_ALNUM, 8)}/B${random.string(UPPER_ALNUM, 10)}/${random.string(ALNUM, 24)}`;
      return { text: `https://hooks.slack.com/services/${path}`, secret: path };
    },
    (random) => [
      `https://hooks.slack.com/services/T${random.string(UPPER_ALNUM, 8)}`,
      `https://api.slack.com/services/T${random.string(UPPER_ALNUM, 8)}/B${random.string(UPPER_ALNUM, 10)}/${random.string(ALNUM, 24)}`,
    ],
  ),
  'stripe-secret-key': prefixed('sk_live_', ALNUM, [24, 99], { minimum: 10 }),
  'stripe-restricted-key': prefixed('rk_live_', ALNUM, [24, 99], { minimum: 10 }),
  'gcp-api-key': prefixed('AIzaSy', TOKEN, 33, { wrong: '.' }),
  'gcp-oauth-client-secret': prefixed('GOCSPX-', TOKEN, 28, { wrong: '.' }),
  'npm-access-token': prefixed('npm_', ALNUM, 36, { wrong: '-' }),
  'pypi-upload-token': prefixed('pypi-AgEIcHlwaS5vcmc', TOKEN, [60, 160], { minimum: 50 }),
  'rubygems-api-token': prefixed('rubygems_', HEX, 48, { wrong: 'z' }),
  'clojars-api-token': prefixed('CLOJARS_', LOWER_ALNUM, 60, { wrong: '-' }),
  'dockerhub-pat': prefixed('dckr_pat_', TOKEN, 27, { wrong: '.' }),
  'artifactory-api-key': prefixed('AKCp', ALNUM, 69, { wrong: '-' }),
  'openai-api-key': custom(
    (random) => {
      const half = random.pick([58, 74]);
      const body = `${random.string(TOKEN, half)}T3BlbkFJ${random.string(TOKEN, half)}`;
      return { text: `sk-proj-${body}`, secret: body };
    },
    (random) => [`sk-proj-${random.string(ALNUM, 12)}`, `task-proj-${random.string(ALNUM, 30)}`],
  ),
  'openai-legacy-api-key': custom(
    (random) => {
      const body = `${random.string(ALNUM, 20)}T3BlbkFJ${random.string(ALNUM, 20)}`;
      return { text: `sk-${body}`, secret: body };
    },
    (random) => [`sk-${random.string(ALNUM, 19)}T3BlbkFJ${random.string(ALNUM, 20)}`],
  ),
  'anthropic-api-key': prefixed('sk-ant-api03-', TOKEN, 93, { suffix: 'AA', wrong: '.' }),
  'anthropic-admin-api-key': prefixed('sk-ant-admin01-', TOKEN, 93, { suffix: 'AA', wrong: '.' }),
  'huggingface-access-token': prefixed('hf_', LETTERS, 34, { wrong: '7' }),
  'huggingface-organization-api-token': prefixed('api_org_', LETTERS, 34, { wrong: '7' }),
  'perplexity-api-key': prefixed('pplx-', ALNUM, 48, { wrong: '-' }),
  'twilio-api-key': prefixed('SK', HEX, 32, { wrong: 'z' }),
  'sendgrid-api-token': custom(
    (random) => {
      const body = `${random.string(TOKEN, 22)}.${random.string(TOKEN, 43)}`;
      return { text: `SG.${body}`, secret: body };
    },
    (random) => [
      `SG.${random.string(ALNUM, 10)}`,
      `SG.${random.string(ALNUM, 22)}.${random.string(ALNUM, 42)}`,
    ],
  ),
  'sendinblue-api-token': custom(
    (random) => {
      const body = `${random.string(HEX, 64)}-${random.string(ALNUM, 16)}`;
      return { text: `xkeysib-${body}`, secret: body };
    },
    (random) => [`xkeysib-${random.string(HEX, 63)}-${random.string(ALNUM, 16)}`],
  ),
  'mailgun-private-api-token': prefixed('key-', HEX, 32, { wrong: 'z' }),
  'telegram-bot-api-token': custom(
    (random) => {
      const body = `AA${random.string(TOKEN, 33)}`;
      return { text: `${random.int(1, 9)}${random.string(DIGITS, 8)}:${body}`, secret: body };
    },
    (random) => [
      `${random.string(DIGITS, 9)}:AB${random.string(TOKEN, 33)}`,
      `${random.string(DIGITS, 9)}:AA${random.string(TOKEN, 32)}`,
      `12:30:AA${random.string(ALNUM, 33)}`,
    ],
  ),
  'discord-bot-token': custom(
    (random) => {
      const id = Buffer.from(String(random.int(100000000, 999999999)) + random.string(DIGITS, 9))
        .toString('base64')
        .replace(/=+$/, '');
      const token = `${id}.${random.string(TOKEN, 6)}.${random.string(TOKEN, 27)}`;
      return { text: token, secret: token };
    },
    (random) => [
      `M${random.string(ALNUM, 23)}.${random.string(ALNUM, 5)}.${random.string(ALNUM, 27)}`,
      `x${random.string(ALNUM, 24)}.${random.string(ALNUM, 6)}.${random.string(ALNUM, 27)}`,
    ],
  ),
  'discord-webhook-url': custom(
    (random) => {
      const token = random.string(TOKEN, 68);
      return {
        text: `https://discord.com/api/webhooks/1${random.string(DIGITS, 18)}/${token}`,
        secret: token,
      };
    },
    (random) => [`https://discord.com/api/webhooks/1${random.string(DIGITS, 18)}/messages`],
  ),
  'shopify-access-token': prefixed('shpat_', HEX, 32, { wrong: 'z' }),
  'shopify-shared-secret': prefixed('shpss_', HEX, 32, { wrong: 'z' }),
  'shopify-custom-access-token': prefixed('shpca_', HEX, 32, { wrong: 'z' }),
  'shopify-private-app-access-token': prefixed('shppa_', HEX, 32, { wrong: 'z' }),
  'square-access-token': prefixed('EAAA', TOKEN, [22, 60], { minimum: 22 }),
  'square-oauth-secret': prefixed('sq0csp-', TOKEN, 43, { wrong: '.' }),
  'shippo-api-token': prefixed('shippo_live_', HEX, 40, { wrong: 'z' }),
  'easypost-api-token': prefixed('EZAK', ALNUM, 54, { wrong: '-' }),
  'flutterwave-secret-key': prefixed('FLWSECK_TEST-', 'abcdef0123456789', 32, {
    suffix: '-X',
    wrong: 'z',
  }),
  'duffel-api-token': prefixed('duffel_test_', TOKEN, 43, { wrong: '.' }),
  'aws-secret-access-key': custom(
    (random) => {
      const secret = random.string(BASE64, 40);
      const text = random.pick([
        `aws_secret_access_key = ${secret}`,
        `AWS_SECRET_ACCESS_KEY=${secret}`,
        `"SecretAccessKey": "${secret}"`,
        `secret_access_key: '${secret}'`,
      ]);
      return { text, secret };
    },
    (random) => [
      `aws_secret_access_key = ${random.string(BASE64, 39)}`,
      `aws_access_key_id = ${random.string(BASE64, 40)}`,
      `aws_secret_access_key = ${random.string(BASE64, 41)}`,
    ],
  ),
  'azure-storage-account-key': custom(
    (random) => {
      const key = base64Bytes(random, 64);
      return {
        text: `DefaultEndpointsProtocol=https;AccountName=st${random.string(LOWER_ALNUM, 8)};AccountKey=${key};EndpointSuffix=core.windows.net`,
        secret: key,
      };
    },
    (random) => [
      `AccountKey=${base64Bytes(random, 63)}`,
      `AccountName=${random.string(LOWER_ALNUM, 88)}`,
    ],
  ),
  'azure-shared-access-key': custom(
    (random) => {
      const key = base64Bytes(random, 32);
      return {
        text: `Endpoint=sb://ns-${random.string(LOWER_ALNUM, 6)}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${key}`,
        secret: key,
      };
    },
    (random) => [`SharedAccessKeyName=${random.string(ALNUM, 44)}`],
  ),
  'azure-sas-signature': custom(
    (random) => {
      const signature = encodeURIComponent(base64Bytes(random, 32));
      return {
        text: `https://st${random.string(LOWER_ALNUM, 8)}.blob.core.windows.net/exports/a.csv?sv=2022-11-02&sp=r&se=2026-12-31T23:59:59Z&sig=${signature}`,
        secret: signature,
      };
    },
    (random) => [
      `https://example.com/a?sig=${random.string(ALNUM, 20)}`,
      `https://example.com/a?mysig=${encodeURIComponent(base64Bytes(random, 32))}`,
    ],
  ),
  'azure-ad-client-secret': custom(
    (random) => {
      const secret = `${random.string(ALNUM, 3)}${random.int(0, 9)}Q~${random.string(`${ALNUM}_~.-`, 34)}`;
      return { text: secret, secret };
    },
    (random) => [`${random.string(ALNUM, 3)}${random.int(0, 9)}Q~${random.string(ALNUM, 20)}`],
  ),
  'alibaba-access-key-id': prefixed('LTAI', ALNUM, 20, { wrong: '-' }),
  'databricks-api-token': prefixed('dapi', HEX, 32, { wrong: 'z' }),
  'digitalocean-pat': prefixed('dop_v1_', HEX, 64, { wrong: 'z' }),
  'digitalocean-access-token': prefixed('doo_v1_', HEX, 64, { wrong: 'z' }),
  'digitalocean-refresh-token': prefixed('dor_v1_', HEX, 64, { wrong: 'z' }),
  'heroku-api-key-v2': prefixed('HRKU-AA', TOKEN, 58, { wrong: '.' }),
  'heroku-api-key': custom(
    (random) => {
      const key = uuid(random);
      return {
        text: random.pick([`HEROKU_API_KEY=${key}`, `heroku_api_key: "${key}"`]),
        secret: key,
      };
    },
    (random) => [`HEROKU_APP_NAME=shop-${random.string(LOWER, 8)}`, `request_id=${uuid(random)}`],
  ),
  'flyio-access-token': prefixed('fo1_', TOKEN, 43, { wrong: '.' }),
  'openshift-user-token': prefixed('sha256~', TOKEN, 43, { wrong: '.' }),
  'cloudflare-origin-ca-key': custom(
    (random) => {
      const body = `${random.string(HEX, 24)}-${random.string(HEX, 146)}`;
      return { text: `v1.0-${body}`, secret: body };
    },
    (random) => [`v1.0-${random.string(HEX, 24)}-${random.string(HEX, 145)}`],
  ),
  'atlassian-api-token': prefixed('ATATT3', `${ALNUM}_-=`, 186, { wrong: '.' }),
  'linear-api-key': prefixed('lin_api_', ALNUM, 40, { wrong: '-' }),
  'postman-api-token': custom(
    (random) => {
      const body = `${random.string(HEX, 24)}-${random.string(HEX, 34)}`;
      return { text: `PMAK-${body}`, secret: body };
    },
    (random) => [`PMAK-${random.string(HEX, 24)}-${random.string(HEX, 33)}`],
  ),
  'doppler-api-token': prefixed('dp.pt.', ALNUM, 43, { wrong: '-' }),
  'vault-service-token': prefixed('hvs.CAESI', TOKEN, [85, 110], { wrong: '.' }),
  'vault-batch-token': prefixed('hvb.AAAAAQ', TOKEN, [140, 180], { minimum: 132 }),
  'hashicorp-tf-api-token': custom(
    (random) => {
      const token = `${random.string(ALNUM, 14)}.atlasv1.${random.string(TOKEN, random.int(60, 70))}`;
      return { text: token, secret: token };
    },
    (random) => [`${random.string(ALNUM, 14)}.atlasv1.${random.string(TOKEN, 59)}`],
  ),
  'grafana-service-account-token': custom(
    (random) => {
      const body = `${random.string(ALNUM, 32)}_${random.string(HEX, 8)}`;
      return { text: `glsa_${body}`, secret: body };
    },
    (random) => [`glsa_${random.string(ALNUM, 31)}_${random.string(HEX, 8)}`],
  ),
  'grafana-cloud-api-token': prefixed('glc_', BASE64, [48, 120], { suffix: '==', minimum: 32 }),
  'grafana-api-key': prefixed('eyJrIjoi', ALNUM, [70, 100]),
  'sentry-user-token': prefixed('sntryu_', HEX, 64, { wrong: 'z' }),
  'sentry-org-token': custom(
    (random) => {
      const claims = Buffer.from(
        JSON.stringify({
          iat: 1718000000 + random.int(0, 9_999_999),
          url: 'https://sentry.io',
          region_url: 'https://us.sentry.io',
          org: `acme-${random.string(LOWER, 6)}`,
        }),
      )
        .toString('base64')
        .replace(/=+$/, '');
      const body = `${claims}_${random.string(BASE64, 43)}`;
      return { text: `sntrys_${body}`, secret: body };
    },
    (random) => [`sntrys_${random.string(ALNUM, 20)}`],
  ),
  'new-relic-user-api-key': prefixed('NRAK-', UPPER_ALNUM, 27, { wrong: 'q' }),
  'new-relic-insert-key': prefixed('NRII-', `${UPPER_ALNUM}-`, 32, { wrong: '.' }),
  'planetscale-api-token': prefixed('pscale_tkn_', `${ALNUM}_`, 43, { minimum: 32 }),
  'pulumi-api-token': prefixed('pul-', HEX, 40, { wrong: 'z' }),
  'prefect-api-token': prefixed('pnu_', ALNUM, 36, { wrong: '-' }),
  'readme-api-token': prefixed('rdme_', LOWER_ALNUM, 70, { wrong: 'Q' }),
  'notion-api-token': custom(
    (random) => {
      const body = `${random.string(DIGITS, 11)}${random.string(ALNUM, 35)}`;
      return { text: `ntn_${body}`, secret: body };
    },
    (random) => [`ntn_${random.string(LOWER, 11)}${random.string(ALNUM, 35)}`],
  ),
  'dynatrace-api-token': custom(
    (random) => {
      const body = `${random.string(UPPER_ALNUM, 24)}.${random.string(UPPER_ALNUM, 64)}`;
      return { text: `dt0c01.${body}`, secret: body };
    },
    (random) => [`dt0c01.${random.string(UPPER_ALNUM, 23)}.${random.string(UPPER_ALNUM, 64)}`],
  ),
  'scalingo-api-token': prefixed('tk-us-', TOKEN, 48, { wrong: '.' }),
  'infracost-api-token': prefixed('ico-', ALNUM, 32, { wrong: '-' }),
  'frameio-api-token': prefixed('fio-u-', TOKEN, 64, { wrong: '.' }),
  'age-secret-key': prefixed('AGE-SECRET-KEY-1', BECH32, 58, { wrong: 'B' }),
  '1password-service-account-token': prefixed('ops_eyJ', ALNUM, [250, 300]),
};

// The shared corpus's kinds (named by vendor) and the formats that recognise them.
const CORPUS_KIND_FORMATS: Record<VendorSecretKind, readonly string[]> = {
  githubClassicPat: ['github-pat'],
  githubFineGrainedPat: ['github-fine-grained-pat'],
  githubAppToken: ['github-app-token'],
  githubOAuthToken: ['github-oauth'],
  githubRefreshToken: ['github-refresh-token'],
  gitlabPat: ['gitlab-pat'],
  gitlabRunnerToken: ['gitlab-runner-authentication-token', 'gitlab-ptt', 'gitlab-deploy-token'],
  slackBotToken: ['slack-bot-token'],
  slackUserToken: ['slack-user-token'],
  slackWebhookUrl: ['slack-webhook-url'],
  stripeSecretKey: ['stripe-secret-key'],
  stripeRestrictedKey: ['stripe-restricted-key'],
  googleApiKey: ['gcp-api-key'],
  googleOAuthClientSecret: ['gcp-oauth-client-secret'],
  npmToken: ['npm-access-token'],
  pypiToken: ['pypi-upload-token'],
  openaiApiKey: ['openai-api-key', 'openai-legacy-api-key'],
  anthropicApiKey: ['anthropic-api-key', 'anthropic-admin-api-key'],
  twilioApiKey: ['twilio-api-key'],
  sendgridApiKey: ['sendgrid-api-token'],
  mailgunApiKey: ['mailgun-private-api-token'],
  shopifyToken: [
    'shopify-access-token',
    'shopify-shared-secret',
    'shopify-custom-access-token',
    'shopify-private-app-access-token',
  ],
  huggingFaceToken: ['huggingface-access-token', 'huggingface-organization-api-token'],
  azureStorageConnectionString: ['azure-storage-account-key'],
  azureSasSignature: ['azure-sas-signature'],
  databricksToken: ['databricks-api-token'],
  digitalOceanToken: [
    'digitalocean-pat',
    'digitalocean-access-token',
    'digitalocean-refresh-token',
  ],
  herokuApiKey: ['heroku-api-key-v2'],
  dockerHubPat: ['dockerhub-pat'],
  atlassianApiToken: ['atlassian-api-token'],
  linearApiKey: ['linear-api-key'],
  postmanApiKey: ['postman-api-token'],
  vaultToken: ['vault-service-token', 'vault-batch-token'],
  grafanaToken: ['grafana-service-account-token', 'grafana-cloud-api-token'],
  sentryToken: ['sentry-user-token', 'sentry-org-token'],
  newRelicKey: ['new-relic-user-api-key', 'new-relic-insert-key'],
  ageSecretKey: ['age-secret-key'],
  telegramBotToken: ['telegram-bot-api-token'],
  discordWebhookUrl: ['discord-webhook-url'],
  dopplerToken: ['doppler-api-token'],
  pulumiToken: ['pulumi-api-token'],
  planetscaleToken: ['planetscale-api-token'],
  flyioToken: ['flyio-access-token'],
  terraformCloudToken: ['hashicorp-tf-api-token'],
  rubygemsToken: ['rubygems-api-token'],
  azureAdClientSecret: ['azure-ad-client-secret'],
};

const FORMAT_BY_NAME = new Map(CREDENTIAL_FORMATS.map((format) => [format.name, format]));

function matchesFormat(name: string, text: string): boolean {
  const format = FORMAT_BY_NAME.get(name);
  if (format === undefined) throw new Error(`unknown format ${name}`);
  return new RegExp(format.pattern.source, format.pattern.flags.replace('g', '')).test(text);
}

/** The positives of every format: the corpus's samples it recognises, then its own shape's. */
function positivesByFormat(): Map<string, Positive[]> {
  const out = new Map<string, Positive[]>(CREDENTIAL_FORMATS.map((f) => [f.name, []]));
  const random = createSeededRandom(20261207);
  for (const kind of VENDOR_SECRET_KINDS) {
    for (let i = 0; i < 12; i++) {
      const credential = generateVendorCredential(random, kind);
      const name = CORPUS_KIND_FORMATS[kind].find((n) => matchesFormat(n, credential.secret));
      if (name === undefined)
        throw new Error(`no format recognises corpus ${kind}: ${credential.secret}`);
      out.get(name)?.push({ text: credential.secret, secret: credential.body });
    }
  }
  for (const format of CREDENTIAL_FORMATS) {
    const shape = SHAPES[format.name];
    for (let i = 0; i < 4; i++) out.get(format.name)?.push(shape.make(random));
  }
  return out;
}

const POSITIVES = positivesByFormat();

/** The positive in every position the issue names; `around` is what must survive around it. */
function contexts(text: string): { label: string; text: string; around: string[] }[] {
  return [
    {
      label: 'prose',
      text: `deploy step 3 used ${text} for the upload`,
      around: ['deploy step 3 used ', ' for the upload'],
    },
    {
      label: 'JSON text',
      text: JSON.stringify({ note: text, step: 3 }),
      around: ['{"note":"', '","step":3}'],
    },
    {
      label: 'URL query',
      text: `GET https://shop.example.com/callback?ref=${encodeURIComponent(text)}&page=2`,
      around: ['GET https://shop.example.com/callback?ref=', '&page=2'],
    },
    {
      // `…%20ghp_…`: glued to an escape's hex digit until the redactor decodes it.
      label: 'percent-encoded prose',
      text: `GET /search?q=${encodeURIComponent(`rotate ${text} today`)}`,
      around: ['GET /search?q='],
    },
    { label: 'parentheses', text: `(${text}),`, around: ['(', '),'] },
    { label: 'quotes', text: `'${text}';`, around: ["'", "';"] },
    { label: 'angle brackets', text: `<${text}>`, around: ['<', '>'] },
    {
      label: 'escaped line breaks',
      text: `first line\\n${text}\\nlast line`,
      around: ['first line\\n', '\\nlast line'],
    },
  ];
}

function survives(output: string, secret: string): boolean {
  return output.includes(secret) || output.includes(encodeURIComponent(secret));
}

describe('CREDENTIAL_FORMATS', () => {
  it('has at least 40 formats, each with a unique name, a title, a source rule and a global pattern', () => {
    expect(CREDENTIAL_FORMATS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CREDENTIAL_FORMATS.map((f) => f.name)).size).toBe(CREDENTIAL_FORMATS.length);
    for (const format of CREDENTIAL_FORMATS) {
      expect(format.title.length, format.name).toBeGreaterThan(0);
      expect(format.source, format.name).toMatch(/^(gitleaks|detect-secrets|vendor):/);
      expect(format.pattern.global, format.name).toBe(true);
    }
  });

  it('has a vendor shape in this test for every format, and a positive for every format', () => {
    expect(Object.keys(SHAPES).sort()).toEqual(CREDENTIAL_FORMATS.map((f) => f.name).sort());
    for (const [name, positives] of POSITIVES)
      expect(positives.length, name).toBeGreaterThanOrEqual(4);
  });
});

describe('finding: vendor credentials in a log message passed through untouched', () => {
  it.each([
    'githubClassicPat',
    'githubFineGrainedPat',
    'gitlabPat',
    'slackBotToken',
    'slackWebhookUrl',
    'stripeSecretKey',
    'stripeRestrictedKey',
    'googleApiKey',
  ] as const)('%s is redacted by createRedactor().redactString', (kind) => {
    const random = createSeededRandom(15);
    for (let i = 0; i < 10; i++) {
      const credential = generateVendorCredential(random, kind);
      const out = redactor.redactString(`retrying upload with ${credential.secret} now`);
      expect(out).not.toContain(credential.body);
      expect(out).toContain(R);
    }
  });
});

describe.each(CREDENTIAL_FORMATS.map((f) => f.name))('%s', (name) => {
  const positives = POSITIVES.get(name) ?? [];

  it('recognises each generated positive by this rule', () => {
    for (const positive of positives)
      expect(matchesFormat(name, positive.text), positive.text).toBe(true);
  });

  it('redacts every positive in prose, JSON text, a URL query and glued to punctuation', () => {
    for (const positive of positives) {
      for (const context of contexts(positive.text)) {
        for (const [label, r] of [
          ['default', redactor],
          ['shapes only', shapeOnly],
        ] as const) {
          const out = r.redactString(context.text);
          const where = `${label}, ${context.label}: ${context.text}`;
          expect(survives(out, positive.secret), where).toBe(false);
          expect(out, where).toContain(R);
          if (label === 'shapes only' && !context.label.includes('URL'))
            for (const part of context.around) expect(out, where).toContain(part);
        }
      }
    }
  });

  it('redacts through the browser-safe entry too (redactCredentialFormats)', () => {
    for (const positive of positives) {
      const text = `deploy step 3 used ${positive.text} for the upload`;
      expect(mayContainCredential(text), text).toBe(true);
      const out = redactCredentialFormats(text, '***');
      expect(out.includes(positive.secret), text).toBe(false);
      expect(out.startsWith('deploy step 3 used ')).toBe(true);
      expect(out.endsWith(' for the upload')).toBe(true);
    }
  });

  // The lead search starts 1,024 characters before the first hint in the string
  // (credential-formats.ts): after 5,000 characters with no hint, and in the last frame of a
  // long stack, each positive must still be found.
  it('redacts every positive deep in a long string, after text with no hint', () => {
    for (const positive of positives) {
      for (const text of [
        `${'x'.repeat(5000)} ${positive.text} done`,
        `Error: ${'x'.repeat(5000)}\n    at upload (${positive.text}:1:2)`,
      ]) {
        const out = redactCredentialFormats(text, '***');
        expect(out.includes(positive.secret), positive.text).toBe(false);
        expect(out.startsWith(`${text.slice(0, 5000)}`)).toBe(true);
      }
    }
  });

  it('leaves near misses (one character short, outside the alphabet, inside a longer word) as they are', () => {
    const random = createSeededRandom(name.length * 7919);
    const shape = SHAPES[name];
    for (let i = 0; i < 5; i++) {
      for (const miss of shape.nearMisses(random)) {
        expect(matchesFormat(name, miss), miss).toBe(false);
        const text = `deploy step 3 used ${miss} for the upload`;
        expect(shapeOnly.redactString(text), text).toBe(text);
        expect(redactCredentialFormats(text, R), text).toBe(text);
      }
    }
  });
});

describe('near misses of the corpus', () => {
  it('leaves every generated vendor near miss and public identifier as it is', () => {
    const random = createSeededRandom(4242);
    for (let i = 0; i < 200; i++) {
      const miss = generateVendorNearMiss(random);
      const text = `looked up ${miss} in the catalogue`;
      expect(redactor.redactString(text), text).toBe(text);
    }
  });
});

// Values that look like tokens but are not: none may change, alone or in a sentence.
function lookAlikes(): string[] {
  const random = createSeededRandom(8128);
  const out: string[] = [];
  const push = (count: number, make: () => string): void => {
    for (let i = 0; i < count; i++) out.push(make());
  };
  push(50, () => uuid(random));
  push(10, () => uuid(random).toUpperCase());
  push(30, () => random.string(HEX, 32)); // md5, trace ids
  push(30, () => random.string(HEX, 40)); // sha1, git SHAs
  push(30, () => random.string(HEX, 64)); // sha256
  push(20, () => random.string(HEX, 16)); // span ids
  push(15, () => random.string(MIXED_HEX, 40).toUpperCase());
  push(15, () => `sha256:${random.string(HEX, 64)}`);
  push(10, () => `commit ${random.string(HEX, 40)} (HEAD -> main)`);
  push(20, () =>
    random.pick([
      `ord_${random.string(DIGITS, 5)}`,
      `ORD-2024-${random.string(DIGITS, 6)}`,
      `order-${random.string(DIGITS, 12)}`,
      `INV-${random.string(UPPER_ALNUM, 10)}-${random.string(DIGITS, 4)}`,
    ]),
  );
  push(15, () => `data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA${base64Bytes(random, 600)}`);
  push(15, () =>
    random.pick([
      `pi_${random.string(ALNUM, 24)}`,
      `cus_${random.string(ALNUM, 14)}`,
      `price_${random.string(ALNUM, 24)}`,
      `AC${random.string(HEX, 32)}`,
      `C0${random.string(UPPER_ALNUM, 8)}`,
      `pk_live_${random.string(ALNUM, 24)}`,
    ]),
  );
  push(25, () =>
    random.pick([
      'internationalization_and_localization',
      'how-to-rotate-your-credentials-safely',
      'customerIdentifierForBillingPurposes',
      'background_job_scheduler_heartbeat',
      'Content-Security-Policy-Report-Only',
      'X-Amzn-Trace-Id: Root=1-67a3c0de-0123456789abcdef01234567',
      '/api/v1/organisations/acme/projects/checkout-service/settings',
      'checkout-7d9f8b6c5d-x2x7q',
      'eu-west-1.compute.internal',
      'The password reset link expires in 30 minutes.',
      'secretary_name',
      'token_count',
      'keyboard-shortcuts-enabled',
      'skeleton-loader-placeholder',
      'gh-pages-deployment-workflow',
    ]),
  );
  for (const sample of generateLookAlikeCorpus({ seed: 31337 })) out.push(sample.value);
  return out;
}

describe('look-alikes', () => {
  const values = lookAlikes();

  it('is a large, varied sweep', () => {
    expect(values.length).toBeGreaterThanOrEqual(300);
  });

  it('never changes a UUID, hash, trace or span id, order number, git SHA, image data or benign word', () => {
    for (const value of values) {
      expect(redactCredentialFormats(value, R), value).toBe(value);
      expect(shapeOnly.redactString(value), value).toBe(value);
      const sentence = `processed ${value} in 12 ms`;
      expect(shapeOnly.redactString(sentence), sentence).toBe(sentence);
    }
  });

  it('returns the same string when nothing matched', () => {
    const value = `request ${uuid(createSeededRandom(1))} done`;
    expect(redactCredentialFormats(value, R)).toBe(value);
  });
});

describe('structured values', () => {
  it('redacts a credential under a key that is not sensitive, at any depth, and in arrays', () => {
    const random = createSeededRandom(77);
    const token = generateVendorCredential(random, 'githubClassicPat');
    const hook = generateVendorCredential(random, 'slackWebhookUrl');
    const input = {
      note: `pushed with ${token.secret}`,
      steps: [{ target: hook.secret }],
      count: 3,
    };
    const out = JSON.stringify(redactor.redactValue(input));
    expect(out).not.toContain(token.body);
    expect(out).not.toContain(hook.body);
    expect(out).toContain('"count":3');
  });

  it('can be turned off with disablePatterns: credentialFormats', () => {
    const text = `deploy ${SHAPES['npm-access-token'].make(createSeededRandom(5)).text} done`;
    expect(createRedactor({ disablePatterns: ['credentialFormats'] }).redactString(text)).toBe(
      text,
    );
    expect(redactor.redactString(text)).not.toBe(text);
  });
});

// Vendor credentials recognised by their shape: a fixed prefix or structure, an exact
// alphabet and length, and a boundary on both sides. The rules follow gitleaks' default rule
// set (config/gitleaks.toml), and detect-secrets or the vendor's own documented format where
// gitleaks has no prefix-anchored rule; `source` names where each one comes from. Only high-confidence
// shapes are here: a high-entropy string with no prefix and no context is not a credential
// we can tell apart from an id or a hash.
//
// Browser-safe on purpose (no Node APIs): `@threadline/browser` imports it through
// `@threadline/redact/rules`.

/** One credential format: what it is, where the rule comes from, and its global pattern. */
export interface CredentialFormat {
  /** Stable id, the gitleaks rule id where there is one (`github-pat`). */
  readonly name: string;
  /** Human-readable name (`GitHub personal access token (classic)`). */
  readonly title: string;
  /** The public rule the shape follows (`gitleaks:github-pat`). */
  readonly source: string;
  /**
   * Global pattern. A named group `keep` (the context of a context-anchored credential, such
   * as `AccountKey=`) is kept; the rest of the match is the secret.
   */
  readonly pattern: RegExp;
}

// A format's rule as one compact row (the browser bundles all of them): its name is the
// comment beside it and the first entry of its row in DESCRIPTIONS (same order).
type FormatSpec = readonly [
  /** The pattern source between the boundaries. */
  body: string,
  /** Characters that may not follow the match (the body's own alphabet). @default WORD_END */
  after?: string,
  /**
   * Literal texts, space-separated, of which at least one occurs in every match
   * (case-sensitive); the rule runs only on strings containing one. @default the literal text
   * the body starts with (`ghp_`, `SG.`); none (the rule always runs) for a body that starts
   * with a class or a group.
   */
  leads?: string,
  /** Characters that may not precede the match (unless escaped: `\\n`). @default WORD_CHARACTER */
  before?: string,
  flags?: string,
];

// A credential glued to a word is part of that word (`xghp_…`), except after a JSON escape
// such as `\n`, which is a line break in the text that was serialised.
const WORD_CHARACTER = '[A-Za-z0-9_]';
const WORD_END = '[A-Za-z0-9_]';
const TOKEN_END = '[A-Za-z0-9_-]';
const BASE64_END = '[A-Za-z0-9+/=]';
const HEX_UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
// `name = value`, `name: value`, `"name": "value"`, `\"name\":\"value\"`, `name => 'value'`.
const ASSIGNMENT = `\\\\?["']?[ \\t]{0,5}(?:=|:|=>)[ \\t]{0,5}\\\\?["']?`;

const SPECS: readonly FormatSpec[] = [
  // GitHub (github.blog, "Behind GitHub's new authentication token formats")
  ['ghp_[A-Za-z0-9]{36}'], // github-pat
  ['github_pat_[A-Za-z0-9_]{82}'], // github-fine-grained-pat
  ['gho_[A-Za-z0-9]{36}'], // github-oauth
  ['gh[us]_[A-Za-z0-9]{36}', WORD_END, 'ghu_ ghs_'], // github-app-token
  ['ghr_[A-Za-z0-9]{36}(?:[A-Za-z0-9]{40})?'], // github-refresh-token
  // GitLab (docs.gitlab.com, "Token prefixes")
  ['glpat-[A-Za-z0-9_-]{27,300}\\.[0-9a-z]{9}'], // gitlab-pat-routable
  ['glpat-[A-Za-z0-9_-]{20}', TOKEN_END], // gitlab-pat
  ['glptt-(?:[0-9a-f]{40}|[A-Za-z0-9_-]{20})', TOKEN_END], // gitlab-ptt
  ['GR1348941[A-Za-z0-9_-]{20}', TOKEN_END], // gitlab-rrt
  ['glrt-(?:t\\d_[A-Za-z0-9_-]{27,300}\\.[0-9a-z]{9}|[A-Za-z0-9_-]{20})', TOKEN_END], // gitlab-runner-authentication-token
  ['gldt-[A-Za-z0-9_-]{20}', TOKEN_END], // gitlab-deploy-token
  ['glft-[A-Za-z0-9_-]{20}', TOKEN_END], // gitlab-feed-token
  ['glimt-[A-Za-z0-9_-]{25}', TOKEN_END], // gitlab-incoming-mail-token
  ['glagent-[A-Za-z0-9_-]{50}', TOKEN_END], // gitlab-kubernetes-agent-token
  ['gloas-[A-Za-z0-9_-]{64}', TOKEN_END], // gitlab-oauth-app-secret
  ['glsoat-[A-Za-z0-9_-]{20}', TOKEN_END], // gitlab-scim-token
  ['glffct-[A-Za-z0-9_-]{20}', TOKEN_END], // gitlab-feature-flag-client-token
  ['glcbt-[A-Za-z0-9]{1,5}_[A-Za-z0-9_-]{20}', TOKEN_END], // gitlab-cicd-job-token
  // Slack (api.slack.com, "Token types")
  ['xoxb-\\d{8,14}-[A-Za-z0-9-]{10,100}', TOKEN_END], // slack-bot-token
  ['xox[pe]-\\d{8,14}-[A-Za-z0-9-]{10,150}', TOKEN_END, 'xoxp- xoxe-'], // slack-user-token
  ['xapp-\\d-[A-Za-z0-9]{4,20}-\\d{4,20}-[A-Za-z0-9]{16,128}', TOKEN_END], // slack-app-token
  ['xoxe\\.xox[bp]-\\d-[A-Za-z0-9]{163,166}', WORD_END, 'xoxe.'], // slack-config-access-token
  ['xoxe-\\d-[A-Za-z0-9]{146}'], // slack-config-refresh-token
  ['xox[ar]-(?:\\d-)?[A-Za-z0-9]{8,48}', TOKEN_END, 'xoxa- xoxr-'], // slack-legacy-workspace-token
  ['xox[os]-\\d{1,20}-\\d{1,20}-\\d{1,20}-[a-fA-F0-9]{8,64}', TOKEN_END, 'xoxo- xoxs-'], // slack-legacy-token
  [
    '(?<keep>(?:https?://)?hooks\\.slack\\.com/(?:services|workflows|triggers)/)[A-Za-z0-9+/]{43,56}',
    '[A-Za-z0-9+/]',
    'hooks.slack.com/',
    '[A-Za-z0-9_.-]',
  ], // slack-webhook-url
  // Stripe (docs.stripe.com, "API keys")
  ['sk_(?:live|test|prod)_[A-Za-z0-9]{10,247}', WORD_END, 'sk_live_ sk_test_ sk_prod_'], // stripe-secret-key
  ['rk_(?:live|test|prod)_[A-Za-z0-9]{10,247}', WORD_END, 'rk_live_ rk_test_ rk_prod_'], // stripe-restricted-key
  // Google
  ['AIza[A-Za-z0-9_-]{35}', TOKEN_END], // gcp-api-key
  ['GOCSPX-[A-Za-z0-9_-]{28}', TOKEN_END], // gcp-oauth-client-secret
  // Package registries
  ['npm_[A-Za-z0-9]{36}'], // npm-access-token
  ['pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000}', TOKEN_END, 'pypi-AgE'], // pypi-upload-token
  ['rubygems_[a-f0-9]{48}'], // rubygems-api-token
  ['CLOJARS_[A-Za-z0-9]{60}'], // clojars-api-token
  ['dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,32}', TOKEN_END, 'dckr_pat_ dckr_oat_'], // dockerhub-pat
  ['AKCp[A-Za-z0-9]{69}'], // artifactory-api-key
  // AI providers
  [
    'sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,250}T3BlbkFJ[A-Za-z0-9_-]{20,250}',
    TOKEN_END,
    'sk-proj- sk-svcacct- sk-admin-',
  ], // openai-api-key
  ['sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}', TOKEN_END, 'T3BlbkFJ'], // openai-legacy-api-key
  ['sk-ant-api03-[A-Za-z0-9_-]{93}AA', TOKEN_END], // anthropic-api-key
  ['sk-ant-admin01-[A-Za-z0-9_-]{93}AA', TOKEN_END], // anthropic-admin-api-key
  ['hf_[A-Za-z]{34}'], // huggingface-access-token
  ['api_org_[A-Za-z]{34}'], // huggingface-organization-api-token
  ['pplx-[A-Za-z0-9]{48}'], // perplexity-api-key
  // Messaging and email
  ['SK[0-9a-fA-F]{32}'], // twilio-api-key
  ['SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}', TOKEN_END], // sendgrid-api-token
  ['xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}'], // sendinblue-api-token
  ['key-[a-f0-9]{32}', TOKEN_END], // mailgun-private-api-token
  ['[0-9]{8,10}:AA[A-Za-z0-9_-]{33}', TOKEN_END, ':AA'], // telegram-bot-api-token
  ['[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}', TOKEN_END], // discord-bot-token
  [
    '(?<keep>(?:https?://)?(?:(?:canary|ptb)\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/)[A-Za-z0-9_-]{60,80}',
    TOKEN_END,
    '/api/webhooks/',
    '[A-Za-z0-9_.-]',
  ], // discord-webhook-url
  // Commerce and payments
  ['shpat_[a-fA-F0-9]{32}'], // shopify-access-token
  ['shpss_[a-fA-F0-9]{32}'], // shopify-shared-secret
  ['shpca_[a-fA-F0-9]{32}'], // shopify-custom-access-token
  ['shppa_[a-fA-F0-9]{32}'], // shopify-private-app-access-token
  ['(?:EAAA|sq0atp-)[A-Za-z0-9_-]{22,60}', TOKEN_END, 'EAAA sq0atp-'], // square-access-token
  ['sq0csp-[A-Za-z0-9_-]{43}', TOKEN_END], // square-oauth-secret
  ['shippo_(?:live|test)_[a-fA-F0-9]{40}'], // shippo-api-token
  ['EZ[AT]K[A-Za-z0-9]{54}', WORD_END, 'EZAK EZTK'], // easypost-api-token
  ['FLWSECK_TEST-[a-hA-H0-9]{12}(?:[a-hA-H0-9]{20}-X)?', TOKEN_END], // flutterwave-secret-key
  ['duffel_(?:test|live)_[A-Za-z0-9_=-]{43}', '[A-Za-z0-9_=-]'], // duffel-api-token
  // Cloud providers
  [
    `(?<keep>(?:aws[_.-]?)?secret[_.-]?access[_.-]?key${ASSIGNMENT}|aws[_.-]?secret[_.-]?key${ASSIGNMENT})[A-Za-z0-9/+]{40}`,
    BASE64_END,
    'ecret ECRET',
    '[A-Za-z0-9]',
    'i',
  ], // aws-secret-access-key
  ['(?<keep>AccountKey=)[A-Za-z0-9+/]{86}==', BASE64_END, 'AccountKey=', '[A-Za-z0-9]'], // azure-storage-account-key
  ['(?<keep>SharedAccessKey=)[A-Za-z0-9+/]{43}=', BASE64_END, 'SharedAccessKey=', '[A-Za-z0-9]'], // azure-shared-access-key
  [
    '(?<keep>sig=)(?:[A-Za-z0-9+/]|%2[BbFf]){43}(?:=|%3[Dd])',
    '[A-Za-z0-9+/=%]',
    'sig=',
    '[A-Za-z0-9_]',
  ], // azure-sas-signature
  ['[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}', '[A-Za-z0-9_~.-]', 'Q~', '[A-Za-z0-9_~.]'], // azure-ad-client-secret
  ['LTAI[A-Za-z0-9]{20}'], // alibaba-access-key-id
  ['dapi[a-f0-9]{32}(?:-[0-9])?', TOKEN_END], // databricks-api-token
  ['dop_v1_[a-f0-9]{64}'], // digitalocean-pat
  ['doo_v1_[a-f0-9]{64}'], // digitalocean-access-token
  ['dor_v1_[a-f0-9]{64}'], // digitalocean-refresh-token
  ['HRKU-AA[A-Za-z0-9_-]{58}', TOKEN_END], // heroku-api-key-v2
  [
    `(?<keep>heroku[A-Za-z0-9_.-]{0,20}${ASSIGNMENT})${HEX_UUID}`,
    TOKEN_END,
    'eroku EROKU',
    '[A-Za-z0-9]',
    'i',
  ], // heroku-api-key
  [
    '(?:fo1_[A-Za-z0-9_-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3})',
    '[A-Za-z0-9_+/=-]',
    'fo1_ fm1 fm2_',
  ], // flyio-access-token
  ['sha256~[A-Za-z0-9_-]{43}', TOKEN_END], // openshift-user-token
  ['v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}'], // cloudflare-origin-ca-key
  // Developer platforms
  ['ATATT3[A-Za-z0-9_=-]{186}', '[A-Za-z0-9_=-]'], // atlassian-api-token
  ['lin_api_[A-Za-z0-9]{40}'], // linear-api-key
  ['PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}'], // postman-api-token
  ['dp\\.pt\\.[A-Za-z0-9]{43}'], // doppler-api-token
  ['hvs\\.[A-Za-z0-9_-]{90,120}', TOKEN_END], // vault-service-token
  ['hvb\\.[A-Za-z0-9_-]{138,300}', TOKEN_END], // vault-batch-token
  ['[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}', '[A-Za-z0-9_=-]', '.atlasv1.'], // hashicorp-tf-api-token
  ['glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}'], // grafana-service-account-token
  ['glc_[A-Za-z0-9+/]{32,400}={0,3}', BASE64_END], // grafana-cloud-api-token
  ['eyJrIjoi[A-Za-z0-9]{70,400}={0,3}', BASE64_END], // grafana-api-key
  ['sntryu_[a-f0-9]{64}'], // sentry-user-token
  ['sntrys_eyJ[A-Za-z0-9+/]{20,600}={0,2}_[A-Za-z0-9+/]{43}', '[A-Za-z0-9+/]', 'sntrys_'], // sentry-org-token
  ['NRAK-[A-Z0-9]{27}'], // new-relic-user-api-key
  ['NRII-[A-Za-z0-9-]{32}', TOKEN_END], // new-relic-insert-key
  ['pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_=.-]{32,64}', '[A-Za-z0-9_=.-]'], // planetscale-api-token
  ['pul-[a-f0-9]{40}'], // pulumi-api-token
  ['pnu_[A-Za-z0-9]{36}'], // prefect-api-token
  ['rdme_[a-z0-9]{70}'], // readme-api-token
  ['ntn_[0-9]{11}[A-Za-z0-9]{35}'], // notion-api-token
  ['dt0c01\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}'], // dynatrace-api-token
  ['tk-us-[A-Za-z0-9_-]{48}', TOKEN_END], // scalingo-api-token
  ['ico-[A-Za-z0-9]{32}'], // infracost-api-token
  ['fio-u-[A-Za-z0-9_=-]{64}', '[A-Za-z0-9_=-]'], // frameio-api-token
  ['AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}'], // age-secret-key
  ['ops_eyJ[A-Za-z0-9+/]{250,}={0,3}', BASE64_END], // 1password-service-account-token
];

// Each format's name, what it is and where its shape comes from, for people
// (CREDENTIAL_FORMATS, the README), row for row in SPECS order. Kept apart from SPECS so that
// a bundle using only the redaction (the browser) carries none of these texts; the tests
// match every name's examples against the pattern in its row, so a shifted row fails.
const DESCRIPTIONS: readonly (readonly [name: string, title: string, source: string])[] = [
  ['github-pat', 'GitHub personal access token (classic)', 'gitleaks:github-pat'],
  [
    'github-fine-grained-pat',
    'GitHub fine-grained personal access token',
    'gitleaks:github-fine-grained-pat',
  ],
  ['github-oauth', 'GitHub OAuth access token', 'gitleaks:github-oauth'],
  [
    'github-app-token',
    'GitHub App user-to-server / server-to-server token',
    'gitleaks:github-app-token',
  ],
  ['github-refresh-token', 'GitHub refresh token', 'gitleaks:github-refresh-token'],
  [
    'gitlab-pat-routable',
    'GitLab personal access token (routable)',
    'gitleaks:gitlab-pat-routable',
  ],
  ['gitlab-pat', 'GitLab personal access token', 'gitleaks:gitlab-pat'],
  ['gitlab-ptt', 'GitLab pipeline trigger token', 'gitleaks:gitlab-ptt'],
  ['gitlab-rrt', 'GitLab runner registration token', 'gitleaks:gitlab-rrt'],
  [
    'gitlab-runner-authentication-token',
    'GitLab runner authentication token',
    'gitleaks:gitlab-runner-authentication-token(-routable)',
  ],
  ['gitlab-deploy-token', 'GitLab deploy token', 'gitleaks:gitlab-deploy-token'],
  ['gitlab-feed-token', 'GitLab feed token', 'gitleaks:gitlab-feed-token'],
  [
    'gitlab-incoming-mail-token',
    'GitLab incoming mail token',
    'gitleaks:gitlab-incoming-mail-token',
  ],
  [
    'gitlab-kubernetes-agent-token',
    'GitLab Kubernetes agent token',
    'gitleaks:gitlab-kubernetes-agent-token',
  ],
  [
    'gitlab-oauth-app-secret',
    'GitLab OAuth application secret',
    'gitleaks:gitlab-oauth-app-secret',
  ],
  ['gitlab-scim-token', 'GitLab SCIM token', 'gitleaks:gitlab-scim-token'],
  [
    'gitlab-feature-flag-client-token',
    'GitLab feature flag client token',
    'gitleaks:gitlab-feature-flag-client-token',
  ],
  ['gitlab-cicd-job-token', 'GitLab CI/CD job token', 'gitleaks:gitlab-cicd-job-token'],
  ['slack-bot-token', 'Slack bot token', 'gitleaks:slack-bot-token, slack-legacy-bot-token'],
  ['slack-user-token', 'Slack user token', 'gitleaks:slack-user-token'],
  ['slack-app-token', 'Slack app-level token', 'gitleaks:slack-app-token'],
  [
    'slack-config-access-token',
    'Slack configuration access token',
    'gitleaks:slack-config-access-token',
  ],
  [
    'slack-config-refresh-token',
    'Slack configuration refresh token',
    'gitleaks:slack-config-refresh-token',
  ],
  [
    'slack-legacy-workspace-token',
    'Slack legacy workspace / refresh token',
    'gitleaks:slack-legacy-workspace-token',
  ],
  ['slack-legacy-token', 'Slack legacy token', 'gitleaks:slack-legacy-token'],
  [
    'slack-webhook-url',
    'Slack incoming webhook URL (the path after /services/ is the secret)',
    'gitleaks:slack-webhook-url',
  ],
  ['stripe-secret-key', 'Stripe secret key', 'gitleaks:stripe-access-token'],
  ['stripe-restricted-key', 'Stripe restricted key', 'gitleaks:stripe-access-token'],
  ['gcp-api-key', 'Google API key', 'gitleaks:gcp-api-key'],
  [
    'gcp-oauth-client-secret',
    'Google OAuth client secret',
    'vendor:google (GOCSPX- prefix of OAuth client secrets)',
  ],
  ['npm-access-token', 'npm access token', 'gitleaks:npm-access-token'],
  [
    'pypi-upload-token',
    'PyPI upload token (pypi.org and test.pypi.org)',
    'gitleaks:pypi-upload-token',
  ],
  ['rubygems-api-token', 'RubyGems API key', 'gitleaks:rubygems-api-token'],
  ['clojars-api-token', 'Clojars deploy token', 'gitleaks:clojars-api-token'],
  [
    'dockerhub-pat',
    'Docker Hub personal / organisation access token',
    'vendor:docker (dckr_pat_ / dckr_oat_ prefixes)',
  ],
  ['artifactory-api-key', 'JFrog Artifactory API key', 'gitleaks:artifactory-api-key'],
  ['openai-api-key', 'OpenAI project / service account / admin key', 'gitleaks:openai-api-key'],
  ['openai-legacy-api-key', 'OpenAI API key (legacy user key)', 'gitleaks:openai-api-key'],
  ['anthropic-api-key', 'Anthropic API key', 'gitleaks:anthropic-api-key'],
  ['anthropic-admin-api-key', 'Anthropic Admin API key', 'gitleaks:anthropic-admin-api-key'],
  ['huggingface-access-token', 'Hugging Face access token', 'gitleaks:huggingface-access-token'],
  [
    'huggingface-organization-api-token',
    'Hugging Face organisation API token',
    'gitleaks:huggingface-organization-api-token',
  ],
  ['perplexity-api-key', 'Perplexity API key', 'gitleaks:perplexity-api-key'],
  ['twilio-api-key', 'Twilio API key SID + secret pair id (SK…)', 'gitleaks:twilio-api-key'],
  ['sendgrid-api-token', 'SendGrid API key', 'gitleaks:sendgrid-api-token'],
  ['sendinblue-api-token', 'Brevo (Sendinblue) API key', 'gitleaks:sendinblue-api-token'],
  [
    'mailgun-private-api-token',
    'Mailgun private API key',
    'gitleaks:mailgun-private-api-token (without its context word)',
  ],
  ['telegram-bot-api-token', 'Telegram bot token', 'detect-secrets:TelegramBotTokenDetector'],
  ['discord-bot-token', 'Discord bot token', 'detect-secrets:DiscordBotTokenDetector'],
  [
    'discord-webhook-url',
    'Discord webhook URL (the token after the id is the secret)',
    'vendor:discord (webhook URL)',
  ],
  ['shopify-access-token', 'Shopify access token', 'gitleaks:shopify-access-token'],
  ['shopify-shared-secret', 'Shopify shared secret', 'gitleaks:shopify-shared-secret'],
  [
    'shopify-custom-access-token',
    'Shopify custom app access token',
    'gitleaks:shopify-custom-access-token',
  ],
  [
    'shopify-private-app-access-token',
    'Shopify private app access token',
    'gitleaks:shopify-private-app-access-token',
  ],
  ['square-access-token', 'Square access token', 'gitleaks:square-access-token'],
  ['square-oauth-secret', 'Square OAuth application secret', 'vendor:square (sq0csp- prefix)'],
  ['shippo-api-token', 'Shippo API token', 'gitleaks:shippo-api-token'],
  [
    'easypost-api-token',
    'EasyPost API key (production and test)',
    'gitleaks:easypost-api-token, easypost-test-api-token',
  ],
  [
    'flutterwave-secret-key',
    'Flutterwave secret / encryption key (test)',
    'gitleaks:flutterwave-secret-key, flutterwave-encryption-key',
  ],
  ['duffel-api-token', 'Duffel API token', 'gitleaks:duffel-api-token'],
  [
    'aws-secret-access-key',
    'AWS secret access key (by its name: aws_secret_access_key, SecretAccessKey, …)',
    'detect-secrets:AWSKeyDetector (secret key by its name)',
  ],
  [
    'azure-storage-account-key',
    'Azure Storage account key in a connection string (AccountKey=)',
    'detect-secrets:AzureStorageKeyDetector',
  ],
  [
    'azure-shared-access-key',
    'Azure Service Bus / Event Hubs shared access key (SharedAccessKey=)',
    'vendor:microsoft (Service Bus / Event Hubs connection string)',
  ],
  [
    'azure-sas-signature',
    'Azure shared access signature (sig= of a SAS URL or token)',
    'vendor:microsoft (SAS token sig= parameter)',
  ],
  [
    'azure-ad-client-secret',
    'Microsoft Entra ID (Azure AD) client secret',
    'gitleaks:azure-ad-client-secret',
  ],
  ['alibaba-access-key-id', 'Alibaba Cloud AccessKey ID', 'gitleaks:alibaba-access-key-id'],
  ['databricks-api-token', 'Databricks personal access token', 'gitleaks:databricks-api-token'],
  ['digitalocean-pat', 'DigitalOcean personal access token', 'gitleaks:digitalocean-pat'],
  [
    'digitalocean-access-token',
    'DigitalOcean OAuth access token',
    'gitleaks:digitalocean-access-token',
  ],
  [
    'digitalocean-refresh-token',
    'DigitalOcean OAuth refresh token',
    'gitleaks:digitalocean-refresh-token',
  ],
  ['heroku-api-key-v2', 'Heroku API key (HRKU- form)', 'gitleaks:heroku-api-key-v2'],
  ['heroku-api-key', 'Heroku API key (a UUID under a heroku name)', 'gitleaks:heroku-api-key'],
  ['flyio-access-token', 'Fly.io access token', 'gitleaks:flyio-access-token'],
  ['openshift-user-token', 'OpenShift user token', 'gitleaks:openshift-user-token'],
  ['cloudflare-origin-ca-key', 'Cloudflare Origin CA key', 'gitleaks:cloudflare-origin-ca-key'],
  ['atlassian-api-token', 'Atlassian API token', 'gitleaks:atlassian-api-token'],
  ['linear-api-key', 'Linear API key', 'gitleaks:linear-api-key'],
  ['postman-api-token', 'Postman API key', 'gitleaks:postman-api-token'],
  ['doppler-api-token', 'Doppler personal token', 'gitleaks:doppler-api-token'],
  ['vault-service-token', 'HashiCorp Vault service token', 'gitleaks:vault-service-token'],
  ['vault-batch-token', 'HashiCorp Vault batch token', 'gitleaks:vault-batch-token'],
  [
    'hashicorp-tf-api-token',
    'Terraform Cloud / Enterprise API token',
    'gitleaks:hashicorp-tf-api-token',
  ],
  [
    'grafana-service-account-token',
    'Grafana service account token',
    'gitleaks:grafana-service-account-token',
  ],
  [
    'grafana-cloud-api-token',
    'Grafana Cloud access policy token',
    'gitleaks:grafana-cloud-api-token',
  ],
  ['grafana-api-key', 'Grafana API key (legacy)', 'gitleaks:grafana-api-key'],
  ['sentry-user-token', 'Sentry user auth token', 'gitleaks:sentry-user-token'],
  ['sentry-org-token', 'Sentry organisation auth token', 'gitleaks:sentry-org-token'],
  ['new-relic-user-api-key', 'New Relic user API key', 'gitleaks:new-relic-user-api-key'],
  ['new-relic-insert-key', 'New Relic insights insert key', 'gitleaks:new-relic-insert-key'],
  [
    'planetscale-api-token',
    'PlanetScale service token, OAuth token or password',
    'gitleaks:planetscale-api-token, planetscale-oauth-token, planetscale-password',
  ],
  ['pulumi-api-token', 'Pulumi access token', 'gitleaks:pulumi-api-token'],
  ['prefect-api-token', 'Prefect API key', 'gitleaks:prefect-api-token'],
  ['readme-api-token', 'ReadMe API key', 'gitleaks:readme-api-token'],
  ['notion-api-token', 'Notion integration token', 'gitleaks:notion-api-token'],
  ['dynatrace-api-token', 'Dynatrace API token', 'gitleaks:dynatrace-api-token'],
  ['scalingo-api-token', 'Scalingo API token', 'gitleaks:scalingo-api-token'],
  ['infracost-api-token', 'Infracost API key', 'gitleaks:infracost-api-token'],
  ['frameio-api-token', 'Frame.io API token', 'gitleaks:frameio-api-token'],
  ['age-secret-key', 'age encryption secret key', 'gitleaks:age-secret-key'],
  [
    '1password-service-account-token',
    '1Password service account token',
    'gitleaks:1password-service-account-token',
  ],
];

function compile([
  body,
  after = WORD_END,
  ,
  before = WORD_CHARACTER,
  flags = '',
]: FormatSpec): RegExp {
  return new RegExp(`(?<!(?<!\\\\)${before})(?:${body})(?!${after})`, `g${flags}`);
}

// Plain characters and escaped dots up to the first other regex syntax.
const LITERAL_START = /^(?:[^\\[({?*+|.^$]|\\\.)*/;

function leadsOf([body, , leads]: FormatSpec): readonly string[] {
  if (leads !== undefined) return leads.split(' ');
  const literal = LITERAL_START.exec(body)?.[0].replaceAll('\\.', '.') ?? '';
  return literal === '' ? [] : [literal];
}

// Compiled once; CREDENTIAL_FORMATS hands out the same objects.
const PATTERNS: readonly RegExp[] = SPECS.map(compile);

function describeFormats(): readonly CredentialFormat[] {
  // A row added to one list and not the other would shift every name after it.
  if (DESCRIPTIONS.length !== SPECS.length)
    throw new Error('credential-formats: SPECS and DESCRIPTIONS must list the same formats');
  return SPECS.map((_spec, index) => {
    const [name, title, source] = DESCRIPTIONS[index];
    return Object.freeze({ name, title, source, pattern: PATTERNS[index] });
  });
}

/** Every credential format recognised by shape, in the order they are applied. */
export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = /* @__PURE__ */ describeFormats();

const FORMAT_LEADS: readonly (readonly string[])[] = SPECS.map(leadsOf);

// Every prefixed credential has this: a separator (`_`, `-`, `.`, `~`) or a prefix glued to
// its body, then 19 more token characters. value-patterns.ts runs it on strings of 20
// characters or more that its own marker scan let through, so it is shaped for V8's regex
// engine: the 19 characters are written out (a fixed sequence runs about twice as fast as
// `{19}`), and it stays a separate expression (folded into the marker scan, every
// alternative slowed the whole scan down several times: measured).
const TOKEN_CHARACTER = '[\\w+/~.-]';
export const CREDENTIAL_PREFIX_HINT = new RegExp(
  `(?:[_.~-]|SK|dapi|EAAA|LTAI|EZ[AT]K|GR13|AIza|ATATT3|AKCp)${TOKEN_CHARACTER.repeat(19)}`,
);
// Context-anchored credentials (only with a separator, `=` or `:`, after a telling name),
// and Grafana's legacy keys, which value-patterns.ts finds by its `eyJ` marker.
const CREDENTIAL_CONTEXT_HINT = /Key=|sig=|ecret|ECRET|eroku|EROKU|:AA|eyJrIjoi/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The leads of all formats in one alternation, longest first so that a lead that starts
// another (`xoxe-` and `xoxe.`) is matched in full; each hit selects the formats to run.
const ALL_LEADS: readonly string[] = [
  ...new Set(FORMAT_LEADS.flat().sort((a, b) => b.length - a.length)),
];
const LEAD = new RegExp(ALL_LEADS.map(escapeRegExp).join('|'), 'g');
// Every match of these formats contains a hint (above) and is shorter than this, except the
// unbounded bodies of fm1_/fm2_ and ops_ tokens, whose hint is the separator right after the
// lead. So no credential starts more than this before the first hint in a string, and the lead
// search starts there rather than at 0 (the longest match generated in the tests is 212).
const LEAD_SEARCH_MARGIN = 1024;
const FORMATS_BY_LEAD: ReadonlyMap<string, readonly number[]> = new Map(
  ALL_LEADS.map((lead) => [
    lead,
    FORMAT_LEADS.flatMap((leads, index) => (leads.includes(lead) ? [index] : [])),
  ]),
);
const ALWAYS_RUN: readonly number[] = FORMAT_LEADS.flatMap((leads, index) =>
  leads.length === 0 ? [index] : [],
);

/** Cheap pre-scan: false for (almost) every clean string; true whenever a format could match. */
export function mayContainCredential(value: string): boolean {
  return CREDENTIAL_PREFIX_HINT.test(value) || CREDENTIAL_CONTEXT_HINT.test(value);
}

/**
 * Replaces every recognised credential with `marker` (the whole token; for context-anchored
 * ones such as AWS secret access keys, only the secret part); returns `value` itself when
 * nothing matched.
 */
export function redactCredentialFormats(value: string, marker: string): string {
  const prefixHint = CREDENTIAL_PREFIX_HINT.exec(value)?.index ?? -1;
  const contextHint = CREDENTIAL_CONTEXT_HINT.exec(value)?.index ?? -1;
  if (prefixHint < 0 && contextHint < 0) return value;
  const firstHint =
    prefixHint < 0 ? contextHint : contextHint < 0 ? prefixHint : Math.min(prefixHint, contextHint);
  const selected = new Uint8Array(SPECS.length);
  let any = false;
  // An exception's stack of 64 Ki units whose first hint is a file path in its last frames is
  // searched from there (reliability S7: ~100 MiB of such stacks searched whole per run).
  LEAD.lastIndex = Math.max(0, firstHint - LEAD_SEARCH_MARGIN);
  for (let hit = LEAD.exec(value); hit !== null; hit = LEAD.exec(value)) {
    const formats = FORMATS_BY_LEAD.get(hit[0]);
    if (formats !== undefined)
      for (const index of formats) {
        selected[index] = 1;
        any = true;
      }
  }
  for (const index of ALWAYS_RUN) {
    selected[index] = 1;
    any = true;
  }
  if (!any) return value;
  const replace = (...args: unknown[]): string => {
    const groups = args[args.length - 1];
    const keep =
      typeof groups === 'object' && groups !== null
        ? (groups as { keep?: string }).keep
        : undefined;
    return keep === undefined ? marker : keep + marker;
  };
  let out = value;
  for (let index = 0; index < SPECS.length; index++) {
    if (selected[index] === 1) out = out.replace(PATTERNS[index], replace);
  }
  return out;
}

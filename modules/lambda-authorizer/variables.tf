# Private: modules/entra-authorizer, modules/rest-api-authorizer and modules/appsync-authorizer
# validate what users type and pass it on; the descriptions say what reaches the function.

################################################################################
# Authorizer
################################################################################

variable "name" {
  description = "Name of the Lambda function (log group /aws/lambda/<name>), of its IAM role unless role_name is set, of its layer unless layer_name is set, and of its alarms."
  type        = string
}

variable "description" {
  description = "Description of the Lambda function: which front door it answers."
  type        = string
}

variable "front_door_environment" {
  description = "The front door's AUTHZ_* variables (its rules and answer settings), merged into the environment after the ENTRA_* identity settings."
  type        = map(string)
  default     = {}
}

variable "verified_token_cache_seconds" {
  description = "Passed as AUTHZ_TOKEN_CACHE_SECONDS: the longest a verified token's claims are reused inside one container."
  type        = number
  default     = 300
}

variable "jwks_key_retention_hours" {
  description = "Passed as ENTRA_JWKS_KEY_RETENTION_HOURS: how long a signing key stays trusted after the last JWKS fetch that served it."
  type        = number
  default     = 48
}

################################################################################
# Entra ID
################################################################################

variable "tenant_id" {
  description = "Entra tenant ID (a GUID): the home tenant whose tokens are accepted."
  type        = string
}

variable "audience" {
  description = "Audience (aud claim) the access token must carry: the API's Application ID URI (api://…, v1 tokens) or its client ID (v2 tokens). A GUID and api://<same GUID> are accepted for each other."
  type        = string
}

variable "additional_audiences" {
  description = "More accepted audiences, for example the client ID next to the api:// URI so both token versions pass."
  type        = list(string)
  default     = []
}

variable "token_versions" {
  description = "Access token versions accepted: 1.0 (issuer https://sts.windows.net/<tenant>/, or the national cloud's), 2.0 (issuer https://<authority host>/<tenant>/v2.0) or both. Follows the API app registration's accessTokenAcceptedVersion."
  type        = list(string)
  default     = ["1.0", "2.0"]
}

variable "cloud" {
  description = "Entra cloud that issues the tokens: public (login.microsoftonline.com), usgov (login.microsoftonline.us) or china (login.chinacloudapi.cn). Sets the authority and v1 issuer hosts together. Passed as ENTRA_CLOUD."
  type        = string
  default     = "public"
}

variable "authority_host" {
  description = "Override of the cloud's authority host name, without scheme (optionally with :port), such as a test issuer. null uses the host of cloud. Passed as ENTRA_AUTHORITY_HOST when set."
  type        = string
  default     = null
}

variable "jwks_uri" {
  description = "Override of the JSON Web Key Set URL. null derives it from the authority host and tenant_id (or /common/ when allowed_tenant_ids is set)."
  type        = string
  default     = null
}

variable "allowed_tenant_ids" {
  description = "Other tenants (GUIDs) whose tokens are accepted next to tenant_id. Empty: single-tenant. Set: the token's tid is substituted into the issuer and must be tenant_id or listed. Passed as ENTRA_ALLOWED_TENANT_IDS."
  type        = list(string)
  default     = []
}

variable "allowed_client_ids" {
  description = "Application (client) IDs (GUIDs) allowed to call the API: the token's azp (v2) or appid (v1) must be one of them. Empty: any client. Passed as ENTRA_ALLOWED_CLIENT_IDS."
  type        = list(string)
  default     = []
}

################################################################################
# Function
################################################################################

variable "package_path" {
  description = "Path to the authorizer deployment package (.zip with index.mjs). null uses the package built into this repository, dist/authorizer.zip."
  type        = string
  default     = null
}

variable "runtime" {
  description = "Lambda runtime of the authorizer, and the runtime its layer declares: nodejs20.x, nodejs22.x or nodejs24.x (nodejs24.x needs AWS provider 6.21.0 or later)."
  type        = string
  default     = "nodejs22.x"
}

variable "architecture" {
  description = "Instruction set architecture of the authorizer: arm64 or x86_64."
  type        = string
  default     = "arm64"
}

variable "memory_size" {
  description = "Memory of the authorizer in MB (128 to 10240); CPU, and so signature checks and cold starts, scale with it."
  type        = number
  default     = 256
}

variable "timeout" {
  description = "Authorizer timeout in seconds, 5 to 10: above the authorizer's 4-second limit on fetching the JWKS, and API Gateway waits at most 10 seconds for an authorizer."
  type        = number
  default     = 6
}

variable "application_log_level" {
  description = "Lowest level of the authorizer's log lines Lambda keeps (JSON log format; Lambda sets AWS_LAMBDA_LOG_LEVEL from it): TRACE, DEBUG, INFO, WARN, ERROR or FATAL. WARN keeps refusals and failures and drops the per-request allow lines (INFO)."
  type        = string
  default     = "WARN"
}

variable "system_log_level" {
  description = "Lowest level of the Lambda platform's log lines for the authorizer (START, END and REPORT are INFO): DEBUG, INFO or WARN."
  type        = string
  default     = "WARN"
}

################################################################################
# IAM
################################################################################

variable "create_role" {
  description = "Whether to create the authorizer's execution role. false: pass role_arn, a role Lambda may assume that can write to /aws/lambda/<name>."
  type        = bool
  default     = true
}

variable "role_arn" {
  description = "ARN of an existing execution role, used when create_role is false."
  type        = string
  default     = null
}

variable "role_name" {
  description = "Name of the created role (or its prefix with role_name_use_prefix). null uses name."
  type        = string
  default     = null
}

variable "role_name_use_prefix" {
  description = "Whether the role name is a prefix to which AWS appends a unique suffix (IAM role names are global; this lets one configuration deploy in several Regions). The prefix is cut to 38 characters."
  type        = bool
  default     = false
}

variable "role_path" {
  description = "IAM path of the created role."
  type        = string
  default     = "/"
}

variable "role_permissions_boundary" {
  description = "ARN of the managed policy set as the permissions boundary of the created role, or null for none."
  type        = string
  default     = null
}

################################################################################
# Layer
################################################################################

variable "create_layer" {
  description = "Whether to publish the aws-jwt-verify layer here (through ../jwt-verify-layer). Set false and pass layer_arn to share one layer between authorizers."
  type        = bool
  default     = true
}

variable "layer_name" {
  description = "Name of the layer published when create_layer is true. null names it <name>-jwt-verify."
  type        = string
  default     = null
}

variable "layer_arn" {
  description = "ARN of an existing aws-jwt-verify layer version (arn:…:layer:<name>:<version>), used when create_layer is false. Not validated beyond being set: it is usually another resource's attribute, unknown until apply."
  type        = string
  default     = null
}

variable "layer_package_path" {
  description = "Path to the layer package (.zip) when create_layer is true. null uses the package built into this repository, dist/jwt-verify-layer.zip."
  type        = string
  default     = null
}

################################################################################
# Logs
################################################################################

variable "log_retention_in_days" {
  description = "Days CloudWatch keeps the authorizer's logs (refusals and failures at the default level). 0 keeps them forever."
  type        = number
  default     = 30
}

variable "kms_key_id" {
  description = "ARN of the KMS key that encrypts the authorizer's log group, or null for CloudWatch's own encryption. Its key policy must allow the Region's CloudWatch Logs service principal."
  type        = string
  default     = null
}

################################################################################
# Monitoring
################################################################################

variable "metric_namespace" {
  description = "CloudWatch namespace of the metrics the log metric filters publish (Refusals, RefusalsByReason, JwksUnavailable, InvalidConfiguration, Errors). null uses EntraAuthorizer/<name>."
  type        = string
  default     = null
}

variable "create_alarms" {
  description = "Whether to create CloudWatch alarms: JWKS outage, configuration error, refusal rate above alarm_refusal_rate_threshold, and the authorizer function's throttles and errors."
  type        = bool
  default     = false
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires or recovers, such as SNS topics. Empty: the alarms only change state."
  type        = list(string)
  default     = []
}

variable "alarm_refusal_rate_threshold" {
  description = "Percentage of authorizer invocations that end in a refusal above which the refusal-rate alarm fires (over 5-minute periods of at least 10 invocations, 3 periods in a row)."
  type        = number
  default     = 25
}

################################################################################
# Tags
################################################################################

variable "tags" {
  description = "Tags for every taggable resource of the module."
  type        = map(string)
  default     = {}
}

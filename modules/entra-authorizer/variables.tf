################################################################################
# Authorizer
################################################################################

variable "api_id" {
  description = "ID of the HTTP API (aws_apigatewayv2_api.id) to attach the authorizer to. Not validated: AWS computes it, and it is unknown until the API exists."
  type        = string
}

variable "api_execution_arn" {
  description = "Execution ARN of the same HTTP API (aws_apigatewayv2_api.execution_arn), arn:aws:execute-api:<region>:<account>:<api id>. Scopes the authorizer's invoke permission. Not validated: AWS computes it."
  type        = string
}

variable "name" {
  description = "Name of the authorizer and of its Lambda function (log group /aws/lambda/<name>), its IAM role unless role_name is set, its layer unless layer_name is set, and its alarms. IAM roles are global: use a different name per Region, or role_name_use_prefix."
  type        = string
  default     = "entra-authorizer"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1 to 64 letters, digits, hyphens or underscores (a Lambda function name)."
  }
}

variable "response_mode" {
  description = "How the authorizer answers API Gateway: iam (an IAM policy: with route_permissions an Allow names only the requested route, without them the whole stage) or simple ({ isAuthorized } for the requested route)."
  type        = string
  default     = "iam"

  validation {
    condition     = contains(["iam", "simple"], var.response_mode)
    error_message = "response_mode must be iam or simple."
  }
}

variable "cache_ttl_seconds" {
  description = "Seconds API Gateway caches an authorizer answer per identity source (0 to 3600; 0 disables caching). With route_permissions, $context.routeKey is an identity source in both response modes, so a cached answer is per token and route."
  type        = number
  default     = 300

  validation {
    condition     = var.cache_ttl_seconds >= 0 && var.cache_ttl_seconds <= 3600 && floor(var.cache_ttl_seconds) == var.cache_ttl_seconds
    error_message = "cache_ttl_seconds must be a whole number of seconds between 0 and 3600."
  }
}

variable "route_permissions" {
  description = "Who may call each route, keyed by route key (\"GET /auth\", \"ANY /items/{id}\", \"$default\") or \"*\" for routes not listed (a route with no entry and no \"*\" is denied). Every part that is set must hold: scopes/roles (the token holds one of the scopes or one of the roles; with neither, the token must hold at least one scope or role), clients (the calling app's azp/appid is listed), condition (a CEL expression over claims, compiled by the authorizer at start-up, is true). Passed as AUTHZ_ROUTE_PERMISSIONS with only the parts that are set. Empty: every route admits any verified token that holds at least one scope or role."
  type = map(object({
    scopes    = optional(list(string), [])
    roles     = optional(list(string), [])
    clients   = optional(list(string), [])
    condition = optional(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for key in keys(var.route_permissions) : can(regex("^(\\*|\\$default|(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /\\S*)$", key))])
    error_message = "route_permissions keys must be route keys such as \"GET /auth\", \"ANY /items/{id}\" or \"$default\", or \"*\" for routes not listed."
  }

  validation {
    condition     = alltrue(flatten([for rule in values(var.route_permissions) : [for value in concat(rule.scopes, rule.roles) : can(regex("^\\S{1,256}$", value))]]))
    error_message = "route_permissions scopes and roles must be names of 1 to 256 characters without spaces, such as api.read or Reports.Read.All."
  }

  validation {
    condition     = alltrue(flatten([for rule in values(var.route_permissions) : [for client in rule.clients : can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", client))]]))
    error_message = "route_permissions clients must be application (client) IDs, GUIDs such as 04b07795-8ddb-461a-bbee-02f9e1bf7b46."
  }

  validation {
    condition     = alltrue([for rule in values(var.route_permissions) : rule.condition == null ? true : (length(trimspace(rule.condition)) > 0 && length(rule.condition) <= 1024)])
    error_message = "route_permissions condition must be null or a CEL expression of 1 to 1024 characters, such as claims.tid == \"11111111-2222-3333-4444-555555555555\"."
  }
}

variable "verified_token_cache_seconds" {
  description = "Upper bound, in seconds (0 to 3600), on how long the authorizer reuses a verified token's claims inside one container: an entry lives until the token expires or this many seconds pass, whichever is first. Route rules are still evaluated on every request. 0 disables the cache. Passed as AUTHZ_TOKEN_CACHE_SECONDS."
  type        = number
  default     = 300

  validation {
    condition     = var.verified_token_cache_seconds >= 0 && var.verified_token_cache_seconds <= 3600 && floor(var.verified_token_cache_seconds) == var.verified_token_cache_seconds
    error_message = "verified_token_cache_seconds must be a whole number of seconds between 0 and 3600."
  }
}

################################################################################
# Entra ID
################################################################################

variable "tenant_id" {
  description = "Entra tenant ID (a GUID): the home tenant whose tokens are accepted."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.tenant_id))
    error_message = "tenant_id must be the Entra tenant ID, a GUID such as 11111111-2222-3333-4444-555555555555."
  }
}

variable "audience" {
  description = "Audience (aud claim) the access token must carry: the API's Application ID URI (api://…, v1 tokens) or its client ID (v2 tokens). A GUID and api://<same GUID> are accepted for each other."
  type        = string

  validation {
    condition     = can(regex("^[^\\s,]+$", var.audience))
    error_message = "audience must be a non-empty value without spaces or commas, such as api://my-api or the API's client ID."
  }
}

variable "additional_audiences" {
  description = "More accepted audiences, for example the client ID next to the api:// URI so both token versions pass."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for audience in var.additional_audiences : can(regex("^[^\\s,]+$", audience))])
    error_message = "additional_audiences must contain non-empty values without spaces or commas."
  }
}

variable "token_versions" {
  description = "Access token versions accepted: 1.0 (issuer https://sts.windows.net/<tenant>/, or the national cloud's), 2.0 (issuer https://<authority host>/<tenant>/v2.0) or both. Follows the API app registration's accessTokenAcceptedVersion."
  type        = list(string)
  default     = ["1.0", "2.0"]

  validation {
    condition     = length(var.token_versions) > 0 && alltrue([for version in var.token_versions : contains(["1.0", "2.0"], version)])
    error_message = "token_versions must contain 1.0, 2.0 or both."
  }
}

variable "cloud" {
  description = "Entra cloud that issues the tokens: public (login.microsoftonline.com), usgov (login.microsoftonline.us) or china (login.chinacloudapi.cn). Sets the authority and v1 issuer hosts together. Passed as ENTRA_CLOUD."
  type        = string
  default     = "public"

  validation {
    condition     = contains(["public", "usgov", "china"], var.cloud)
    error_message = "cloud must be public, usgov or china."
  }
}

variable "authority_host" {
  description = "Override of the cloud's authority host name, without scheme (optionally with :port), such as a test issuer. null uses the host of cloud. Passed as ENTRA_AUTHORITY_HOST when set."
  type        = string
  default     = null

  validation {
    condition     = var.authority_host == null ? true : can(regex("^(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:[0-9]{1,5})?$", var.authority_host))
    error_message = "authority_host must be null or a host name (optionally with :port) without scheme or path, such as login.microsoftonline.com."
  }
}

variable "jwks_uri" {
  description = "Override of the JSON Web Key Set URL. null derives it from the authority host and tenant_id (or /common/ when allowed_tenant_ids is set)."
  type        = string
  default     = null

  validation {
    condition     = var.jwks_uri == null ? true : can(regex("^https://[^\\s]+$", var.jwks_uri))
    error_message = "jwks_uri must be null or an https:// URL."
  }
}

variable "allowed_tenant_ids" {
  description = "Other tenants (GUIDs) whose tokens are accepted next to tenant_id. Empty: single-tenant. Set: the token's tid is substituted into the issuer and must be tenant_id or listed. Passed as ENTRA_ALLOWED_TENANT_IDS."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.allowed_tenant_ids : can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", id))])
    error_message = "allowed_tenant_ids must contain tenant IDs, GUIDs such as 11111111-2222-3333-4444-555555555555."
  }
}

variable "allowed_client_ids" {
  description = "Application (client) IDs (GUIDs) allowed to call the API: the token's azp (v2) or appid (v1) must be one of them. Empty: any client. Passed as ENTRA_ALLOWED_CLIENT_IDS."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.allowed_client_ids : can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", id))])
    error_message = "allowed_client_ids must contain application (client) IDs, GUIDs such as 04b07795-8ddb-461a-bbee-02f9e1bf7b46."
  }
}

variable "jwks_key_retention_hours" {
  description = "Hours a signing key stays trusted after the last JWKS fetch that served it, 0 to 168 (0: only the latest fetch's keys). Entra's front ends serve different key sets, so a key one fetch leaves out may still sign valid tokens; a key Entra withdraws in an emergency is trusted this long. Passed as ENTRA_JWKS_KEY_RETENTION_HOURS."
  type        = number
  default     = 48

  validation {
    condition     = var.jwks_key_retention_hours >= 0 && var.jwks_key_retention_hours <= 168 && floor(var.jwks_key_retention_hours) == var.jwks_key_retention_hours
    error_message = "jwks_key_retention_hours must be a whole number of hours between 0 and 168."
  }
}

################################################################################
# Function
################################################################################

variable "package_path" {
  description = "Path to the authorizer deployment package (.zip with index.mjs). null uses the package built into this repository, dist/authorizer.zip."
  type        = string
  default     = null

  validation {
    condition     = var.package_path == null ? true : endswith(var.package_path, ".zip")
    error_message = "package_path must be null or the path to a .zip deployment package."
  }
}

variable "runtime" {
  description = "Lambda runtime of the authorizer, and the runtime its layer declares: nodejs20.x, nodejs22.x or nodejs24.x (nodejs24.x needs AWS provider 6.21.0 or later)."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = contains(["nodejs20.x", "nodejs22.x", "nodejs24.x"], var.runtime)
    error_message = "runtime must be one of nodejs20.x, nodejs22.x or nodejs24.x."
  }
}

variable "architecture" {
  description = "Instruction set architecture of the authorizer: arm64 or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory of the authorizer in MB (128 to 10240); CPU, and so signature checks and cold starts, scale with it."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "timeout" {
  description = "Authorizer timeout in seconds, 5 to 10: above the authorizer's 4-second limit on fetching the JWKS, and API Gateway waits at most 10 seconds for an authorizer."
  type        = number
  default     = 6

  validation {
    condition     = var.timeout >= 5 && var.timeout <= 10 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds between 5 and 10: above the 4-second JWKS fetch limit, and API Gateway waits at most 10 seconds for an authorizer."
  }
}

variable "application_log_level" {
  description = "Lowest level of the authorizer's log lines Lambda keeps (JSON log format; Lambda sets AWS_LAMBDA_LOG_LEVEL from it): TRACE, DEBUG, INFO, WARN, ERROR or FATAL. WARN keeps refusals and failures and drops the per-request allow lines (INFO)."
  type        = string
  default     = "WARN"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.application_log_level)
    error_message = "application_log_level must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "system_log_level" {
  description = "Lowest level of the Lambda platform's log lines for the authorizer (START, END and REPORT are INFO): DEBUG, INFO or WARN."
  type        = string
  default     = "WARN"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.system_log_level)
    error_message = "system_log_level must be DEBUG, INFO or WARN."
  }
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

  validation {
    condition     = var.create_role || var.role_arn != null
    error_message = "role_arn must be set when create_role is false: the authorizer needs an execution role."
  }
}

variable "role_name" {
  description = "Name of the created role (or its prefix with role_name_use_prefix). null uses name."
  type        = string
  default     = null

  validation {
    condition     = var.role_name == null ? true : can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name must be null or 1 to 64 letters, digits or +=,.@_- (an IAM role name)."
  }
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

  validation {
    condition     = can(regex("^/([\\x21-\\x7E]{1,510}/)?$", var.role_path)) && length(var.role_path) <= 512
    error_message = "role_path must start and end with / (such as / or /lambda/), at most 512 printable characters."
  }
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

  validation {
    condition     = var.layer_name == null ? true : can(regex("^[A-Za-z0-9_-]{1,64}$", var.layer_name))
    error_message = "layer_name must be null or 1 to 64 letters, digits, hyphens or underscores (a Lambda layer name)."
  }
}

variable "layer_arn" {
  description = "ARN of an existing aws-jwt-verify layer version (arn:…:layer:<name>:<version>), used when create_layer is false. Not validated beyond being set: it is usually another resource's attribute, unknown until apply."
  type        = string
  default     = null

  validation {
    condition     = var.create_layer || var.layer_arn != null
    error_message = "layer_arn must be set when create_layer is false: the authorizer needs the aws-jwt-verify layer."
  }
}

variable "layer_package_path" {
  description = "Path to the layer package (.zip) when create_layer is true. null uses the package built into this repository, dist/jwt-verify-layer.zip."
  type        = string
  default     = null

  validation {
    condition     = var.layer_package_path == null ? true : endswith(var.layer_package_path, ".zip")
    error_message = "layer_package_path must be null or the path to a .zip layer package."
  }
}

################################################################################
# Logs
################################################################################

variable "log_retention_in_days" {
  description = "Days CloudWatch keeps the authorizer's logs (refusals and failures at the default level). 0 keeps them forever."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a value CloudWatch Logs accepts: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
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

  validation {
    condition     = var.metric_namespace == null ? true : can(regex("^[A-Za-z0-9 ._#:/-]{1,255}$", var.metric_namespace)) && !startswith(coalesce(var.metric_namespace, "-"), "AWS/")
    error_message = "metric_namespace must be null or 1 to 255 letters, digits, spaces or ._#:/- and must not start with AWS/ (reserved)."
  }
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

  validation {
    condition     = var.alarm_refusal_rate_threshold > 0 && var.alarm_refusal_rate_threshold <= 100
    error_message = "alarm_refusal_rate_threshold must be a percentage above 0 and at most 100."
  }
}

################################################################################
# Tags
################################################################################

variable "tags" {
  description = "Tags for every taggable resource of the module."
  type        = map(string)
  default     = {}
}

################################################################################
# General
################################################################################

variable "name" {
  description = "Name prefix of every resource: the API and its access log group are <name>, the functions (and their roles and log groups) <name>-authorizer and <name>-response, the layer <name>-jwt-verify. IAM role names are global: use a different name per Region, or role_name_use_prefix."
  type        = string
  default     = "entra-authz"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.name))
    error_message = "name must be 1 to 40 letters, digits, hyphens or underscores (it prefixes Lambda function and IAM role names, which allow 64)."
  }
}

variable "tags" {
  description = "Tags for every taggable resource."
  type        = map(string)
  default     = {}
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

  validation {
    condition     = !var.use_native_jwt_authorizer || !contains(var.token_versions, "1.0")
    error_message = "token_versions cannot contain 1.0 with use_native_jwt_authorizer, which verifies v2.0 tokens only: set token_versions = [\"2.0\"] (and accessTokenAcceptedVersion = 2 in the API app registration), or use the Lambda authorizer."
  }
}

variable "cloud" {
  description = "Entra cloud that issues the tokens: public (login.microsoftonline.com), usgov (login.microsoftonline.us) or china (login.chinacloudapi.cn)."
  type        = string
  default     = "public"

  validation {
    condition     = contains(["public", "usgov", "china"], var.cloud)
    error_message = "cloud must be public, usgov or china."
  }
}

variable "authority_host" {
  description = "Override of the cloud's authority host name, without scheme (optionally with :port), such as a test issuer. null uses the host of cloud."
  type        = string
  default     = null

  validation {
    condition     = var.authority_host == null ? true : can(regex("^(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:[0-9]{1,5})?$", var.authority_host))
    error_message = "authority_host must be null or a host name (optionally with :port) without scheme or path, such as login.microsoftonline.com."
  }
}

variable "jwks_uri" {
  description = "Override of the JSON Web Key Set URL used by the Lambda authorizer. null derives it from the authority host and tenant_id."
  type        = string
  default     = null

  validation {
    condition     = var.jwks_uri == null ? true : can(regex("^https://[^\\s]+$", var.jwks_uri))
    error_message = "jwks_uri must be null or an https:// URL."
  }

  validation {
    condition     = !var.use_native_jwt_authorizer || var.jwks_uri == null
    error_message = "jwks_uri must be null with use_native_jwt_authorizer, which reads the signing keys from the issuer's discovery document."
  }
}

variable "allowed_tenant_ids" {
  description = "Other tenants (GUIDs) whose tokens are accepted next to tenant_id (multi-tenant). Empty: single-tenant."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.allowed_tenant_ids : can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", id))])
    error_message = "allowed_tenant_ids must contain tenant IDs, GUIDs such as 11111111-2222-3333-4444-555555555555."
  }

  validation {
    condition     = !var.use_native_jwt_authorizer || length(var.allowed_tenant_ids) == 0
    error_message = "allowed_tenant_ids must be empty with use_native_jwt_authorizer, which accepts the home tenant's issuer only: use the Lambda authorizer for a multi-tenant API."
  }
}

variable "allowed_client_ids" {
  description = "Application (client) IDs (GUIDs) allowed to call the API (the token's azp or appid). Empty: any client."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.allowed_client_ids : can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", id))])
    error_message = "allowed_client_ids must contain application (client) IDs, GUIDs such as 04b07795-8ddb-461a-bbee-02f9e1bf7b46."
  }

  validation {
    condition     = !var.use_native_jwt_authorizer || length(var.allowed_client_ids) == 0
    error_message = "allowed_client_ids must be empty with use_native_jwt_authorizer, which cannot restrict the calling client: use the Lambda authorizer."
  }
}

################################################################################
# Authorizer
################################################################################

variable "use_native_jwt_authorizer" {
  description = "Whether to protect the entra routes with API Gateway's own JWT authorizer (issuer https://<cloud's v2 issuer host>/<tenant>/v2.0, audiences, per-route scopes) instead of the Lambda authorizer: no authorizer function and no layer. It verifies v2.0 tokens of the home tenant and any-of scopes only; the plan fails on every setting it cannot honour (token_versions with 1.0, routes with roles, clients, condition or no scopes, allowed_tenant_ids, allowed_client_ids, simple responses, jwks_uri)."
  type        = bool
  default     = false
}

variable "authorizer_response_mode" {
  description = "How the Lambda authorizer answers API Gateway: iam (an IAM policy; with route rules an Allow names only the requested route, without them the whole stage) or simple ({ isAuthorized } for the requested route). With route rules, $context.routeKey is an identity source in both modes."
  type        = string
  default     = "iam"

  validation {
    condition     = contains(["iam", "simple"], var.authorizer_response_mode)
    error_message = "authorizer_response_mode must be iam or simple."
  }

  validation {
    condition     = !var.use_native_jwt_authorizer || var.authorizer_response_mode == "iam"
    error_message = "authorizer_response_mode must stay iam with use_native_jwt_authorizer, which has no response mode."
  }
}

variable "authorizer_cache_ttl_seconds" {
  description = "Seconds API Gateway caches a Lambda authorizer answer per identity source (0 to 3600; 0 disables caching). With route rules, $context.routeKey is an identity source in both response modes, so a cached answer is per token and route."
  type        = number
  default     = 300

  validation {
    condition     = var.authorizer_cache_ttl_seconds >= 0 && var.authorizer_cache_ttl_seconds <= 3600 && floor(var.authorizer_cache_ttl_seconds) == var.authorizer_cache_ttl_seconds
    error_message = "authorizer_cache_ttl_seconds must be a whole number of seconds between 0 and 3600."
  }
}

variable "verified_token_cache_seconds" {
  description = "Upper bound, in seconds (0 to 3600), on how long the authorizer reuses a verified token's claims inside one container: an entry lives until the token expires or this many seconds pass, whichever is first. Route rules are still evaluated on every request. 0 disables the cache."
  type        = number
  default     = 300

  validation {
    condition     = var.verified_token_cache_seconds >= 0 && var.verified_token_cache_seconds <= 3600 && floor(var.verified_token_cache_seconds) == var.verified_token_cache_seconds
    error_message = "verified_token_cache_seconds must be a whole number of seconds between 0 and 3600."
  }
}

variable "jwks_key_retention_hours" {
  description = "Hours a signing key stays trusted after the last JWKS fetch that served it, 0 to 168 (0: only the latest fetch's keys). Entra's front ends serve different key sets, so a key one fetch leaves out may still sign valid tokens; a key Entra withdraws in an emergency is trusted this long. Ignored with the native JWT authorizer."
  type        = number
  default     = 48

  validation {
    condition     = var.jwks_key_retention_hours >= 0 && var.jwks_key_retention_hours <= 168 && floor(var.jwks_key_retention_hours) == var.jwks_key_retention_hours
    error_message = "jwks_key_retention_hours must be a whole number of hours between 0 and 168."
  }
}

variable "memory_size" {
  description = "Memory of the authorizer function in MB (128 to 10240); CPU, and so signature checks and cold starts, scale with it."
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

variable "authorizer_package_path" {
  description = "Path to your own authorizer package (.zip with index.mjs). null uses this repository's dist/authorizer.zip."
  type        = string
  default     = null

  validation {
    condition     = var.authorizer_package_path == null ? true : endswith(var.authorizer_package_path, ".zip")
    error_message = "authorizer_package_path must be null or the path to a .zip deployment package."
  }
}

variable "layer_package_path" {
  description = "Path to your own aws-jwt-verify layer package (.zip with nodejs/node_modules/aws-jwt-verify). null uses this repository's dist/jwt-verify-layer.zip."
  type        = string
  default     = null

  validation {
    condition     = var.layer_package_path == null ? true : endswith(var.layer_package_path, ".zip")
    error_message = "layer_package_path must be null or the path to a .zip layer package."
  }
}

################################################################################
# Functions
################################################################################

variable "runtime" {
  description = "Lambda runtime of both functions (and of the layer): nodejs20.x, nodejs22.x or nodejs24.x (nodejs24.x needs AWS provider 6.21.0 or later)."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = contains(["nodejs20.x", "nodejs22.x", "nodejs24.x"], var.runtime)
    error_message = "runtime must be one of nodejs20.x, nodejs22.x or nodejs24.x."
  }
}

variable "architecture" {
  description = "Instruction set architecture of both functions: arm64 or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "application_log_level" {
  description = "Lowest level of both functions' log lines Lambda keeps (JSON log format; Lambda sets AWS_LAMBDA_LOG_LEVEL from it): TRACE, DEBUG, INFO, WARN, ERROR or FATAL. WARN keeps the authorizer's refusals and failures and drops its per-request allow lines (INFO); the access log records allowed calls."
  type        = string
  default     = "WARN"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.application_log_level)
    error_message = "application_log_level must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "system_log_level" {
  description = "Lowest level of the Lambda platform's log lines for both functions (START, END and REPORT are INFO): DEBUG, INFO or WARN."
  type        = string
  default     = "WARN"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.system_log_level)
    error_message = "system_log_level must be DEBUG, INFO or WARN."
  }
}

variable "create_response_function" {
  description = "Whether to deploy the sample backend <name>-response, the target of every route without function_arn. Set false when every route in routes names its function_arn."
  type        = bool
  default     = true

  validation {
    condition     = var.create_response_function || alltrue([for route in values(var.routes) : route.function_arn != null])
    error_message = "create_response_function is false, so every route in routes needs a function_arn: the sample backend is the target of routes without one."
  }
}

variable "response_package_path" {
  description = "Path to your own package for the sample backend (.zip, handler index.handler). null uses this repository's dist/response.zip."
  type        = string
  default     = null

  validation {
    condition     = var.response_package_path == null ? true : endswith(var.response_package_path, ".zip")
    error_message = "response_package_path must be null or the path to a .zip deployment package."
  }
}

################################################################################
# IAM
################################################################################

variable "create_role" {
  description = "Whether to create an execution role per function. false: pass role_arn, one existing role both functions use; it must let Lambda assume it and write to /aws/lambda/<name>-authorizer and /aws/lambda/<name>-response."
  type        = bool
  default     = true
}

variable "role_arn" {
  description = "ARN of the existing execution role both functions use when create_role is false."
  type        = string
  default     = null

  validation {
    condition     = var.create_role || var.role_arn != null
    error_message = "role_arn must be set when create_role is false: the functions need an execution role."
  }
}

variable "role_name_use_prefix" {
  description = "Whether <name>-authorizer and <name>-response are role name prefixes to which AWS appends a unique suffix, so the same name can be deployed in several Regions of one account (IAM role names are global). Prefixes are cut to 38 characters."
  type        = bool
  default     = false
}

variable "role_path" {
  description = "IAM path of every role the module creates."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([\\x21-\\x7E]{1,510}/)?$", var.role_path)) && length(var.role_path) <= 512
    error_message = "role_path must start and end with / (such as / or /lambda/), at most 512 printable characters."
  }
}

variable "role_permissions_boundary" {
  description = "ARN of the managed policy set as the permissions boundary of every role the module creates, or null for none."
  type        = string
  default     = null
}

################################################################################
# API
################################################################################

variable "routes" {
  description = "Routes of the API, keyed by route key (\"GET /auth\", \"ANY /items/{id}\", \"$default\"). function_arn: the backend Lambda (null: the sample backend); the module grants API Gateway permission to invoke it for this route only. authorization: \"entra\" (default) or \"none\" for a public route. Rules of an entra route, each part that is set must hold: scopes/roles (the token holds one of the scopes or one of the roles; with neither, at least one scope or role), clients (the calling app's client ID is listed), condition (a CEL expression over claims is true)."
  type = map(object({
    function_arn  = optional(string)
    authorization = optional(string, "entra")
    scopes        = optional(list(string), [])
    roles         = optional(list(string), [])
    clients       = optional(list(string), [])
    condition     = optional(string)
  }))
  default = { "GET /auth" = {} }

  validation {
    condition     = length(var.routes) > 0 && alltrue([for key in keys(var.routes) : can(regex("^(\\$default|(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /\\S*)$", key))])
    error_message = "routes must have at least one key, each a route key: a method (ANY, GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS), a space and a path starting with /, such as \"GET /auth\" or \"ANY /items/{id}\"; or \"$default\"."
  }

  validation {
    condition     = alltrue([for route in values(var.routes) : contains(["entra", "none"], route.authorization)])
    error_message = "routes authorization must be \"entra\" (the default: a token is required) or \"none\" (a public route)."
  }

  validation {
    condition     = alltrue([for route in values(var.routes) : route.authorization == "entra" || (length(route.scopes) + length(route.roles) + length(route.clients) == 0 && route.condition == null)])
    error_message = "routes with authorization = \"none\" are public and cannot carry scopes, roles, clients or condition: remove them, or make the route \"entra\"."
  }

  validation {
    condition     = alltrue(flatten([for route in values(var.routes) : [for value in concat(route.scopes, route.roles) : can(regex("^\\S{1,256}$", value))]]))
    error_message = "routes scopes and roles must be names of 1 to 256 characters without spaces, such as api.read or Reports.Read.All."
  }

  validation {
    condition     = alltrue(flatten([for route in values(var.routes) : [for client in route.clients : can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", client))]]))
    error_message = "routes clients must be application (client) IDs, GUIDs such as 04b07795-8ddb-461a-bbee-02f9e1bf7b46."
  }

  validation {
    condition     = alltrue([for route in values(var.routes) : route.condition == null ? true : (length(trimspace(route.condition)) > 0 && length(route.condition) <= 1024)])
    error_message = "routes condition must be null or a CEL expression of 1 to 1024 characters, such as claims.tid == \"11111111-2222-3333-4444-555555555555\"."
  }

  validation {
    condition     = !var.use_native_jwt_authorizer || alltrue([for route in values(var.routes) : length(route.roles) == 0 && length(route.clients) == 0 && route.condition == null])
    error_message = "routes cannot have roles, clients or condition with use_native_jwt_authorizer, which checks scopes only: remove them, or use the Lambda authorizer."
  }

  validation {
    condition     = !var.use_native_jwt_authorizer || alltrue([for route in values(var.routes) : route.authorization == "none" || length(route.scopes) > 0])
    error_message = "routes need at least one scope on every entra route with use_native_jwt_authorizer: without scopes it would admit any token of the audience, where the Lambda authorizer requires at least one scope or role. Add scopes, or use the Lambda authorizer."
  }
}

variable "cors_configuration" {
  description = "CORS settings of the API, or null for none. API Gateway answers browser preflight requests (OPTIONS) itself. An OPTIONS request would match an ANY or $default route and meet its authorizer first, so for each such entra route the module adds a public OPTIONS route (OPTIONS <path>, or OPTIONS /{proxy+} for $default) to the preflight function <name>-preflight, which answers 204 and reaches no backend."
  type = object({
    allow_origins     = optional(list(string), [])
    allow_methods     = optional(list(string), [])
    allow_headers     = optional(list(string), [])
    expose_headers    = optional(list(string), [])
    max_age           = optional(number)
    allow_credentials = optional(bool, false)
  })
  default = null

  validation {
    condition     = var.cors_configuration == null ? true : !(var.cors_configuration.allow_credentials && contains(var.cors_configuration.allow_origins, "*"))
    error_message = "cors_configuration cannot combine allow_credentials = true with the \"*\" origin: list the allowed origins."
  }
}

################################################################################
# Stage
################################################################################

variable "access_log_enabled" {
  description = "Whether the $default stage writes an access log line per request to /aws/apigateway/<name>: with the route, the status, the authorizer's error and the caller (oid, tid, client ID), every call, allowed or not, is on record without an authorizer log line per request."
  type        = bool
  default     = true
}

variable "access_log_format" {
  description = "Format of one access log line; $context variables are expanded. null uses a JSON line with the request ID, route key, status, the authorizer's error, the caller (oid, tid and client ID from the authorizer's context, or the JWT authorizer's claims), and the integration's status, latency and error."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_format == null ? true : can(regex("\\$context\\.requestId", var.access_log_format))
    error_message = "access_log_format must be null or include $context.requestId, as API Gateway requires."
  }
}

variable "throttling_burst_limit" {
  description = "Burst limit of every route on the $default stage (requests; 0 to 5000). API Gateway answers 429 beyond it, before calling the authorizer."
  type        = number
  default     = 200

  validation {
    condition     = var.throttling_burst_limit >= 0 && var.throttling_burst_limit <= 5000 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number of requests between 0 and 5000 (the account's default burst quota)."
  }
}

variable "throttling_rate_limit" {
  description = "Steady-state rate limit of every route on the $default stage (requests per second; 0 to 10000)."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_rate_limit >= 0 && var.throttling_rate_limit <= 10000
    error_message = "throttling_rate_limit must be between 0 and 10000 requests per second (the account's default quota)."
  }
}

variable "detailed_metrics_enabled" {
  description = "Whether the $default stage publishes per-route CloudWatch metrics (billed as custom metrics)."
  type        = bool
  default     = false
}

################################################################################
# Logs
################################################################################

variable "authorizer_log_retention_in_days" {
  description = "Days CloudWatch keeps the authorizer's logs (refusals and failures at the default level). 0 keeps them forever."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.authorizer_log_retention_in_days)
    error_message = "authorizer_log_retention_in_days must be a value CloudWatch Logs accepts: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "response_log_retention_in_days" {
  description = "Days CloudWatch keeps the logs of the sample backend and of the preflight function (with CORS). 0 keeps them forever."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.response_log_retention_in_days)
    error_message = "response_log_retention_in_days must be a value CloudWatch Logs accepts: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "access_log_retention_in_days" {
  description = "Days CloudWatch keeps the API's access logs, the record of every call. 0 keeps them forever."
  type        = number
  default     = 365

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.access_log_retention_in_days)
    error_message = "access_log_retention_in_days must be a value CloudWatch Logs accepts: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "kms_key_id" {
  description = "ARN of the KMS key that encrypts every log group the module creates, or null for CloudWatch's own encryption. Its key policy must allow the Region's CloudWatch Logs service principal (logs.<region>.amazonaws.com)."
  type        = string
  default     = null
}

################################################################################
# Monitoring
################################################################################

variable "metric_namespace" {
  description = "CloudWatch namespace of the authorizer's log metrics (Refusals, RefusalsByReason, JwksUnavailable, InvalidConfiguration, Errors). null uses EntraAuthorizer/<name>-authorizer."
  type        = string
  default     = null

  validation {
    condition     = var.metric_namespace == null ? true : can(regex("^[A-Za-z0-9 ._#:/-]{1,255}$", var.metric_namespace)) && !startswith(coalesce(var.metric_namespace, "-"), "AWS/")
    error_message = "metric_namespace must be null or 1 to 255 letters, digits, spaces or ._#:/- and must not start with AWS/ (reserved)."
  }
}

variable "create_alarms" {
  description = "Whether to create CloudWatch alarms on the Lambda authorizer: JWKS outage, configuration error, refusal rate above alarm_refusal_rate_threshold, throttles and errors."
  type        = bool
  default     = false
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires or recovers, such as SNS topics. Empty: the alarms only change state."
  type        = list(string)
  default     = []
}

variable "alarm_refusal_rate_threshold" {
  description = "Percentage of authorizer invocations ending in a refusal above which the refusal-rate alarm fires (5-minute periods of at least 10 invocations, 3 in a row)."
  type        = number
  default     = 25

  validation {
    condition     = var.alarm_refusal_rate_threshold > 0 && var.alarm_refusal_rate_threshold <= 100
    error_message = "alarm_refusal_rate_threshold must be a percentage above 0 and at most 100."
  }
}

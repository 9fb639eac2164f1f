################################################################################
# General
################################################################################

variable "name" {
  description = "Name prefix of every resource: the API is <name>, the functions <name>-authorizer and <name>-response, the layer <name>-jwt-verify. IAM roles are global: use a different name per region."
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
  description = "Entra tenant ID (a GUID) whose tokens are accepted."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.tenant_id))
    error_message = "tenant_id must be the Entra tenant ID, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47."
  }
}

variable "audience" {
  description = "Audience (aud claim) the access token must carry: the API's Application ID URI (api://…, v1 tokens) or its client ID (v2 tokens)."
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
  description = "Access token versions accepted: 1.0 (issuer https://sts.windows.net/<tenant>/), 2.0 (issuer https://<authority_host>/<tenant>/v2.0) or both. Follows the API app registration's accessTokenAcceptedVersion."
  type        = list(string)
  default     = ["1.0", "2.0"]

  validation {
    condition     = length(var.token_versions) > 0 && alltrue([for version in var.token_versions : contains(["1.0", "2.0"], version)])
    error_message = "token_versions must contain 1.0, 2.0 or both."
  }
}

variable "authority_host" {
  description = "Entra authority host name, without scheme: login.microsoftonline.com, or a national cloud's such as login.microsoftonline.us."
  type        = string
  default     = "login.microsoftonline.com"

  validation {
    condition     = can(regex("^(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:[0-9]{1,5})?$", var.authority_host))
    error_message = "authority_host must be a host name (optionally with :port) without scheme or path, such as login.microsoftonline.com."
  }
}

variable "jwks_uri" {
  description = "Override of the JSON Web Key Set URL. null derives it from authority_host and tenant_id."
  type        = string
  default     = null

  validation {
    condition     = var.jwks_uri == null ? true : can(regex("^https://[^\\s]+$", var.jwks_uri))
    error_message = "jwks_uri must be null or an https:// URL."
  }
}

################################################################################
# Authorizer
################################################################################

variable "route_permissions" {
  description = "Who may call each route, keyed by route key: a token passes when it holds any of the entry's scopes (scp claim) or any of its roles (roles claim); an entry with neither admits any verified token; the key \"*\" applies to routes not listed. Passed to the authorizer as AUTHZ_ROUTE_PERMISSIONS. Empty: any verified token with at least one scope or role may call every route. Otherwise every route in routes needs an entry, or a \"*\" entry must exist."
  type = map(object({
    scopes = optional(list(string), [])
    roles  = optional(list(string), [])
  }))
  default = {}

  validation {
    condition     = alltrue([for key in keys(var.route_permissions) : can(regex("^(\\*|\\$default|(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /\\S*)$", key))])
    error_message = "route_permissions keys must be route keys such as \"GET /auth\", \"ANY /items/{id}\" or \"$default\", or \"*\" for routes not listed."
  }

  validation {
    condition     = alltrue(flatten([for permission in values(var.route_permissions) : [for value in concat(permission.scopes, permission.roles) : can(regex("^\\S{1,256}$", value))]]))
    error_message = "route_permissions scopes and roles must be names of 1 to 256 characters without spaces, such as api.read or Reports.Read.All."
  }
}

variable "authorizer_response_mode" {
  description = "How the authorizer answers API Gateway: iam (an IAM policy; an Allow names only the requested route when route rules exist, else the whole stage) or simple ({ isAuthorized } for the requested route). Either way, with route rules $context.routeKey is an identity source, so a cached answer is reused only for the same route."
  type        = string
  default     = "iam"

  validation {
    condition     = contains(["iam", "simple"], var.authorizer_response_mode)
    error_message = "authorizer_response_mode must be iam or simple."
  }
}

variable "authorizer_cache_ttl_seconds" {
  description = "Seconds API Gateway caches an authorizer answer per identity source (0 to 3600; 0 disables caching). With route rules, $context.routeKey is an identity source in both response modes, so a cached answer is per token and route."
  type        = number
  default     = 300

  validation {
    condition     = var.authorizer_cache_ttl_seconds >= 0 && var.authorizer_cache_ttl_seconds <= 3600 && floor(var.authorizer_cache_ttl_seconds) == var.authorizer_cache_ttl_seconds
    error_message = "authorizer_cache_ttl_seconds must be a whole number of seconds between 0 and 3600."
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
  description = "Lambda runtime of both functions: nodejs20.x, nodejs22.x or nodejs24.x (nodejs24.x needs an AWS provider release that knows it; 5.x does not)."
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

variable "log_level" {
  description = "Log level of both functions (LOG_LEVEL): debug, info, warn or error."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be debug, info, warn or error."
  }
}

variable "log_retention_in_days" {
  description = "Days CloudWatch keeps the functions' logs and the access logs. 0 keeps them forever."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a value CloudWatch Logs accepts: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "response_package_path" {
  description = "Path to your own backend package (.zip, handler index.handler). null uses this repository's sample, dist/response.zip."
  type        = string
  default     = null

  validation {
    condition     = var.response_package_path == null ? true : endswith(var.response_package_path, ".zip")
    error_message = "response_package_path must be null or the path to a .zip deployment package."
  }
}

################################################################################
# API
################################################################################

variable "routes" {
  description = "Route keys of the API (\"GET /auth\", \"ANY /items/{id}\", \"$default\"), each sent to the sample response function and protected by the authorizer."
  type        = list(string)
  default     = ["GET /auth"]

  validation {
    condition     = length(var.routes) > 0 && length(distinct(var.routes)) == length(var.routes)
    error_message = "routes must list at least one route key, each once."
  }

  validation {
    condition     = alltrue([for route in var.routes : can(regex("^(\\$default|(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /\\S*)$", route))])
    error_message = "routes must be route keys: a method (ANY, GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS), a space and a path starting with /, such as \"GET /auth\" or \"ANY /items/{id}\"; or \"$default\"."
  }
}

variable "cors_configuration" {
  description = "CORS settings of the API, or null for none. API Gateway then answers preflight OPTIONS requests itself, without calling the authorizer."
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

variable "access_log_enabled" {
  description = "Whether the $default stage writes access logs to a CloudWatch log group (/aws/apigateway/<name>)."
  type        = bool
  default     = false
}

variable "access_log_format" {
  description = "Format of one access log line; $context variables are expanded. null uses a JSON line with the route, status and the authorizer's outcome and latency."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_format == null ? true : can(regex("\\$context\\.requestId", var.access_log_format))
    error_message = "access_log_format must be null or include $context.requestId, as API Gateway requires."
  }
}

################################################################################
# Function
################################################################################

variable "name" {
  description = "Name of the Lambda function; also names its log group (/aws/lambda/<name>) and, unless role_name is set, its IAM role. IAM roles are global: use a different name per Region, or role_name_use_prefix."
  type        = string
  default     = "entra-authz-response"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1 to 64 letters, digits, hyphens or underscores (a Lambda function name)."
  }
}

variable "description" {
  description = "Description of the Lambda function."
  type        = string
  default     = "Sample backend of an HTTP API protected by the Entra ID authorizer"
}

variable "package_path" {
  description = "Path to the deployment package (.zip, handler index.handler). null uses the sample built into this repository, dist/response.zip."
  type        = string
  default     = null

  validation {
    condition     = var.package_path == null ? true : endswith(var.package_path, ".zip")
    error_message = "package_path must be null or the path to a .zip deployment package."
  }
}

variable "runtime" {
  description = "Lambda runtime of the function: nodejs20.x, nodejs22.x or nodejs24.x (nodejs24.x needs AWS provider 6.21.0 or later)."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = contains(["nodejs20.x", "nodejs22.x", "nodejs24.x"], var.runtime)
    error_message = "runtime must be one of nodejs20.x, nodejs22.x or nodejs24.x."
  }
}

variable "architecture" {
  description = "Instruction set architecture of the function: arm64 or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory of the function in MB (128 to 10240)."
  type        = number
  default     = 128

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "timeout" {
  description = "Maximum run time of one invocation in seconds (1 to 30: API Gateway gives an integration 30 seconds)."
  type        = number
  default     = 3

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 30 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds between 1 and 30, API Gateway's integration limit."
  }
}

variable "application_log_level" {
  description = "Lowest level of the function's log lines Lambda keeps (JSON log format): TRACE, DEBUG, INFO, WARN, ERROR or FATAL. Lambda passes it to the function as AWS_LAMBDA_LOG_LEVEL."
  type        = string
  default     = "WARN"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.application_log_level)
    error_message = "application_log_level must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "system_log_level" {
  description = "Lowest level of the Lambda platform's log lines (START, END and REPORT are INFO): DEBUG, INFO or WARN."
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
  description = "Whether to create the execution role. false: pass role_arn, a role Lambda may assume that can write to /aws/lambda/<name>."
  type        = bool
  default     = true
}

variable "role_arn" {
  description = "ARN of an existing execution role, used when create_role is false."
  type        = string
  default     = null

  validation {
    condition     = var.create_role || var.role_arn != null
    error_message = "role_arn must be set when create_role is false: the function needs an execution role."
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
# Logs
################################################################################

variable "log_retention_in_days" {
  description = "Days CloudWatch keeps the function's logs. 0 keeps them forever."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a value CloudWatch Logs accepts: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "kms_key_id" {
  description = "ARN of the KMS key that encrypts the log group, or null for CloudWatch's own encryption. Its key policy must allow the Region's CloudWatch Logs service principal."
  type        = string
  default     = null
}

################################################################################
# Tags
################################################################################

variable "tags" {
  description = "Tags for every taggable resource of the module."
  type        = map(string)
  default     = {}
}

################################################################################
# Function
################################################################################

variable "name" {
  description = "Name of the Lambda function; also names its IAM role and its log group (/aws/lambda/<name>). IAM roles are global: use a different name per region."
  type        = string
  default     = "entra-authz-response"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1 to 64 letters, digits, hyphens or underscores (a Lambda function and IAM role name)."
  }
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
  description = "Lambda runtime of the function: nodejs20.x, nodejs22.x or nodejs24.x (nodejs24.x needs an AWS provider release that knows it; 5.x does not)."
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

variable "log_level" {
  description = "Log level of the function (LOG_LEVEL): debug, info, warn or error."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be debug, info, warn or error."
  }
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

################################################################################
# Tags
################################################################################

variable "tags" {
  description = "Tags for every taggable resource of the module."
  type        = map(string)
  default     = {}
}

################################################################################
# Layer
################################################################################

variable "name" {
  description = "Name of the Lambda layer."
  type        = string
  default     = "aws-jwt-verify"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1 to 64 letters, digits, hyphens or underscores (a Lambda layer name)."
  }
}

variable "description" {
  description = "Description of the layer version."
  type        = string
  default     = "aws-jwt-verify for the Entra ID authorizer (nodejs/node_modules/aws-jwt-verify)"
}

variable "package_path" {
  description = "Path to the layer package (.zip with nodejs/node_modules/aws-jwt-verify). null uses the package built into this repository, dist/jwt-verify-layer.zip."
  type        = string
  default     = null

  validation {
    condition     = var.package_path == null ? true : endswith(var.package_path, ".zip")
    error_message = "package_path must be null or the path to a .zip layer package."
  }
}

variable "compatible_runtimes" {
  description = "Runtimes the layer version declares itself compatible with: the runtime of the functions that use it (nodejs20.x, nodejs22.x, nodejs24.x; nodejs24.x needs AWS provider 6.21.0 or later)."
  type        = list(string)
  default     = ["nodejs20.x", "nodejs22.x"]

  validation {
    condition     = length(var.compatible_runtimes) > 0 && alltrue([for runtime in var.compatible_runtimes : contains(["nodejs20.x", "nodejs22.x", "nodejs24.x"], runtime)])
    error_message = "compatible_runtimes must list at least one of nodejs20.x, nodejs22.x and nodejs24.x."
  }
}

variable "compatible_architectures" {
  description = "Instruction set architectures the layer version declares itself compatible with. aws-jwt-verify is pure JavaScript, so both."
  type        = list(string)
  default     = ["arm64", "x86_64"]

  validation {
    condition     = length(var.compatible_architectures) > 0 && alltrue([for architecture in var.compatible_architectures : contains(["arm64", "x86_64"], architecture)])
    error_message = "compatible_architectures must list arm64, x86_64 or both."
  }
}

variable "license_info" {
  description = "License of the layer's content, shown with the layer version."
  type        = string
  default     = "Apache-2.0"
}

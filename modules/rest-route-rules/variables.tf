################################################################################
# Rules
################################################################################

variable "route_permissions" {
  description = "The REST authorizer's route rules, as modules/rest-api-authorizer takes them (already validated there)."
  type = map(object({
    scopes    = optional(list(string), [])
    roles     = optional(list(string), [])
    clients   = optional(list(string), [])
    condition = optional(string)
  }))
}

variable "cache_key" {
  description = "What the REST API caches an answer under: token (the token alone: one answer for every method) or route (the token, the method and the resource)."
  type        = string

  validation {
    condition     = contains(["token", "route"], var.cache_key)
    error_message = "cache_key must be token or route."
  }
}

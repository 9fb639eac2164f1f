################################################################################
# Rules
################################################################################

output "problem" {
  description = "Why the authorizer cannot answer these rules exactly under cache_key, or null: the first of the problems."
  value       = length(local.problems) == 0 ? null : local.problems[0]
}

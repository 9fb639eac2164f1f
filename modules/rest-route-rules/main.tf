# The plan-time copy of the authorizer's check that its answers can be exact for a REST API
# (lambda-src/authorizer/rest-policy.ts: tokenWideProblem, perRouteProblem, policySizeProblem), so
# that terraform plan refuses what the authorizer would refuse at start-up. A test compares the two on
# generated rule sets (test/rest-rules-parity.test.ts). Private; it creates nothing.

locals {
  listed   = { for key, rule in var.route_permissions : key => rule if key != "*" }
  unlisted = try(var.route_permissions["*"], null)

  # A rule's identity: two rules every token meets alike.
  rule_ids = {
    for key, rule in var.route_permissions : key => jsonencode([
      sort(rule.scopes), sort(rule.roles), sort(rule.clients), rule.condition,
    ])
  }
  unlisted_id = try(local.rule_ids["*"], null)

  # `GET /items/{id}` → `GET/items/*`: a method's IAM pattern below the stage; ANY is `*`.
  patterns = {
    for key in keys(local.listed) : key => format(
      "%s%s",
      split(" ", key)[0] == "ANY" ? "*" : split(" ", key)[0],
      replace(split(" ", key)[1], "/\\{[^}]*\\}/", "*"),
    )
  }
  # The literal parts of each pattern, the first and last being its start and end.
  parts = { for key, pattern in local.patterns : key => split("*", pattern) }
  # Each pattern as a regular expression over a literal; REST paths hold only [A-Za-z0-9._~-/].
  regexes = {
    for key, parts in local.parts : key => "^${join(".*", [for part in parts : replace(part, ".", "\\.")])}$"
  }

  rest_path = "^/(([A-Za-z0-9._~-]+|\\{[A-Za-z0-9._-]+\\})(/([A-Za-z0-9._~-]+|\\{[A-Za-z0-9._-]+\\}))*(/\\{[A-Za-z0-9._-]+\\+\\})?|\\{[A-Za-z0-9._-]+\\+\\})?$"
  not_rest = [
    for key in keys(local.listed) : "\"${key}\" is not a REST API method such as \"GET /items/{id}\" or \"ANY /{proxy+}\""
    if key == "$default" || !can(regex(local.rest_path, split(" ", key)[1]))
  ]

  # Two patterns match a common request: literals must be equal; a literal must match the other
  # pattern; two patterns with a `*` when one's start is a prefix of the other's and one's end a suffix.
  listed_keys = sort(keys(local.listed))
  pairs = flatten([
    for i, a in local.listed_keys : [for b in slice(local.listed_keys, i + 1, length(local.listed_keys)) : { a = a, b = b }]
  ])
  overlaps = {
    for pair in [for p in local.pairs : [p.a, p.b]] : "${pair[0]}\n${pair[1]}" => (
      length(local.parts[pair[0]]) == 1 && length(local.parts[pair[1]]) == 1
      ? local.patterns[pair[0]] == local.patterns[pair[1]]
      : length(local.parts[pair[0]]) == 1
      ? can(regex(local.regexes[pair[1]], local.patterns[pair[0]]))
      : length(local.parts[pair[1]]) == 1
      ? can(regex(local.regexes[pair[0]], local.patterns[pair[1]]))
      : (
        (startswith(local.parts[pair[0]][0], local.parts[pair[1]][0]) || startswith(local.parts[pair[1]][0], local.parts[pair[0]][0])) &&
        (endswith(local.parts[pair[0]][length(local.parts[pair[0]]) - 1], local.parts[pair[1]][length(local.parts[pair[1]]) - 1]) ||
        endswith(local.parts[pair[1]][length(local.parts[pair[1]]) - 1], local.parts[pair[0]][length(local.parts[pair[0]]) - 1]))
      )
    )
  }
  conflicts = [
    for pair, overlap in local.overlaps : "\"${split("\n", pair)[0]}\" and \"${split("\n", pair)[1]}\" have different rules and patterns that match the same requests"
    if overlap && local.rule_ids[split("\n", pair)[0]] != local.rule_ids[split("\n", pair)[1]]
  ]
  # Under the token alone, the "*" rule covers methods the rules do not list, which may lie under any
  # pattern with a `*`: such a method must share the "*" rule.
  open_to_unlisted = [
    for key, pattern in local.patterns : "\"${key}\" has its own rule and a pattern (${pattern}) that also matches methods the \"*\" rule covers"
    if local.unlisted != null && strcontains(pattern, "*") && local.rule_ids[key] != local.unlisted_id
  ]
  # Per method and resource, a REQUEST event cannot tell a listed ANY method from an unlisted one of
  # the same resource that the "*" rule covers.
  ambiguous_any = [
    for key in keys(local.listed) : "\"${key}\" has its own rule, but a REQUEST event cannot tell it from a method of the same resource that the \"*\" rule covers: list that resource's methods instead"
    if local.unlisted != null && startswith(key, "ANY ") && local.rule_ids[key] != local.unlisted_id
  ]

  # The largest answer under the token alone, for a stage ARN as long as API Gateway makes them.
  longest_stage_arn = "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abcdefghij/${join("", [for i in range(128) : "s"])}"
  resources         = [for key, pattern in local.patterns : "${local.longest_stage_arn}/${pattern}"]
  too_long          = [for key, pattern in local.patterns : "the resource of \"${key}\" can exceed 512 characters" if length("${local.longest_stage_arn}/${pattern}") > 512]
  largest_policy_bytes = max(
    length(jsonencode({ Version = "2012-10-17", Statement = [{ Action = "execute-api:Invoke", Effect = "Allow", Resource = local.resources }] })),
    length(jsonencode({ Version = "2012-10-17", Statement = [
      { Action = "execute-api:Invoke", Effect = "Allow", Resource = "${local.longest_stage_arn}/*" },
      { Action = "execute-api:Invoke", Effect = "Deny", Resource = local.resources },
    ] })),
  )
  too_large = local.largest_policy_bytes + 2048 > 8192 ? ["a token-wide answer can reach ${local.largest_policy_bytes} bytes, and with the caller's context exceed 8192: use fewer or shorter routes"] : []

  problems = var.cache_key == "route" ? local.ambiguous_any : concat(
    local.not_rest, local.open_to_unlisted, local.conflicts, local.too_long, local.too_large,
  )
}

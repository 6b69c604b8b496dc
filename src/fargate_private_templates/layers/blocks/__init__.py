"""Small building blocks the layers share: IAM, log groups, parameters, security group rules, tags, scanner skips."""

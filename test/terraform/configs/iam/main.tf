# IAM users, access keys (deactivated on update) and inline policies.
resource "aws_iam_user" "deployer" {
  name = "tf-deployer"
  path = "/ci/"
  tags = { Team = var.suffix }
}

resource "aws_iam_user" "reader" {
  name = "tf-reader"
  tags = var.suffix == "two" ? { Role = "reader" } : {}
}

resource "aws_iam_access_key" "deployer" {
  user   = aws_iam_user.deployer.name
  status = var.suffix == "two" ? "Inactive" : "Active"
}

resource "aws_iam_access_key" "reader" {
  user = aws_iam_user.reader.name
}

resource "aws_iam_user_policy" "mesh" {
  name = "mesh-access"
  user = aws_iam_user.deployer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = var.suffix == "two" ? ["appmesh:Describe*", "appmesh:List*"] : ["appmesh:*"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_user_policy" "read" {
  name_prefix = "read-"
  user        = aws_iam_user.reader.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "appmesh:List*", Resource = "*" }]
  })
}

data "aws_iam_user" "deployer" {
  user_name = aws_iam_user.deployer.name
}

output "deployer_arn" { value = data.aws_iam_user.deployer.arn }
output "reader_key" { value = aws_iam_access_key.reader.id }

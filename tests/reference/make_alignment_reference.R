# Reference values for the configural step of alignment (tests/test_alignment.py): one group's one-factor model
# with the factor standardised (mean 0, variance 1), ML with a mean structure, lavaan's default (expected
# information) standard errors. Alignment itself is in sirt, which is not in Debian; it is checked by recovery.
#   Rscript tests/reference/make_alignment_reference.R
suppressMessages(library(lavaan))
here <- "tests/reference"
d <- read.csv(file.path(here, "alignment_one_group.csv"))
fit <- cfa("f =~ x0 + x1 + x2 + x3", data = d, std.lv = TRUE, meanstructure = TRUE)
p <- parameterEstimates(fit)
out <- rbind(data.frame(parameter = "loading", item = p$rhs[p$op == "=~"], est = p$est[p$op == "=~"], se = p$se[p$op == "=~"]),
             data.frame(parameter = "intercept", item = p$lhs[p$op == "~1" & p$lhs != "f"],
                        est = p$est[p$op == "~1" & p$lhs != "f"], se = p$se[p$op == "~1" & p$lhs != "f"]))
write.csv(out, file.path(here, "alignment_configural.csv"), row.names = FALSE)
cat("lavaan", as.character(packageVersion("lavaan")), "\n")

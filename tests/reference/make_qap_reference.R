# Reference values for the dyadic regressions (tests/test_qap.py): sna's netlm (OLS) and netlogit (logit) on an
# undirected network of 16 cities, with Y-permutation QAP (nullhyp = "qapy") and Dekker, Krackhardt & Snijders'
# double semi-partialling (nullhyp = "qapspp"); two-sided permutation p-values (pgreqabs) from 20,000 replicates,
# so the Monte Carlo error of a reference p is below .0036.
#   Rscript tests/reference/make_qap_reference.R
suppressMessages(library(sna))
here <- "tests/reference"
d <- read.csv(file.path(here, "qap_dyads.csv"))
n <- max(d$i, d$j)
square <- function(column) {
  m <- matrix(0, n, n)
  m[cbind(d$i, d$j)] <- d[[column]]
  m[cbind(d$j, d$i)] <- d[[column]]
  m
}
x <- list(square("value_distance"), square("trust_gap"))
set.seed(2026)
out <- NULL
for (model in c("netlm", "netlogit")) {
  y <- square(if (model == "netlm") "activity" else "tie")
  for (nullhyp in c("qapy", "qapspp")) {
    fit <- do.call(model, list(y, x, mode = "graph", nullhyp = nullhyp, reps = 20000))
    se <- if (model == "netlm") sqrt(diag(chol2inv(fit$qr$qr)) * sum(fit$residuals^2) / fit$df.residual) else fit$se
    out <- rbind(out, data.frame(model = model, nullhyp = nullhyp, term = c("intercept", "value_distance", "trust_gap"),
                                 estimate = fit$coefficients, se = se, statistic = fit$tstat, p = fit$pgreqabs))
  }
}
write.csv(out, file.path(here, "qap_reference.csv"), row.names = FALSE)
cat("sna", as.character(packageVersion("sna")), "\n")

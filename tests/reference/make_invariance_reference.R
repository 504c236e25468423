# Reference values for measurement invariance (lavaan 0.6). Run from the repository root:
#   Rscript tests/reference/make_invariance_reference.R
# Writes hs1939.csv, twin_cities_invariance.csv and invariance.json beside itself.
suppressMessages({ library(lavaan); library(jsonlite) })
here <- "tests/reference"
measures <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "aic", "bic", "npar")
fits <- function(model, data, group, levels) {
  lapply(levels, function(eq) {
    fit <- cfa(model, data = data, group = group, group.equal = eq, estimator = "ML")
    fm <- fitMeasures(fit, measures)
    pe <- parameterEstimates(fit)
    means <- pe[pe$op == "~1" & pe$lhs %in% lavNames(fit, "lv"), c("lhs", "group", "est", "se")]
    list(group_equal = eq, fit = as.list(fm), latent_means = means)
  })
}
levels <- list(configural = "none", metric = "loadings", scalar = c("loadings", "intercepts"),
               strict = c("loadings", "intercepts", "residuals"))
out <- list(versions = list(R = R.version.string, lavaan = as.character(packageVersion("lavaan"))))

data(HolzingerSwineford1939, package = "lavaan")
hs <- HolzingerSwineford1939[, c("id", "school", paste0("x", 1:9))]
write.csv(hs, file.path(here, "hs1939.csv"), row.names = FALSE)
hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
out$hs1939 <- list(model = hs_model, groups = unique(as.character(hs$school)), levels = fits(hs_model, hs, "school", levels))

# A simulated twin-city set: one factor, six items, the intercept of t4 is 1 point higher in tver.
set.seed(20261123)
sim <- do.call(rbind, lapply(c("orsha", "smolensk", "tver"), function(city) {
  n <- 400
  eta <- rnorm(n, mean = c(orsha = 0, smolensk = 0.3, tver = -0.2)[[city]], sd = 1)
  lambda <- c(1, 0.9, 0.8, 0.85, 0.7, 0.75)
  nu <- c(5, 5.2, 4.8, 5, 5.1, 4.9) + c(0, 0, 0, ifelse(city == "tver", 1, 0), 0, 0)
  x <- sapply(1:6, function(i) nu[i] + lambda[i] * eta + rnorm(n, sd = 0.6))
  colnames(x) <- paste0("t", 1:6)
  data.frame(city = city, round(x, 3))
}))
write.csv(sim, file.path(here, "twin_cities_invariance.csv"), row.names = FALSE)
sim_model <- "trust =~ t1 + t2 + t3 + t4 + t5 + t6"
out$twin <- list(model = sim_model, groups = c("orsha", "smolensk", "tver"), levels = fits(sim_model, sim, "city", levels))
scalar <- cfa(sim_model, data = sim, group = "city", group.equal = c("loadings", "intercepts"))
score <- lavTestScore(scalar)$uni
pt <- parTable(scalar)
label <- function(plabel) { r <- pt[pt$plabel == plabel, ]; paste(r$lhs, r$op, r$rhs, "group", r$group) }
score$lhs_label <- sapply(score$lhs, label); score$rhs_label <- sapply(score$rhs, label)
out$twin$score_test <- score[order(-score$X2), c("lhs_label", "rhs_label", "X2", "df", "p.value")]
partial <- cfa(sim_model, data = sim, group = "city", group.equal = c("loadings", "intercepts"), group.partial = "t4 ~ 1")
out$twin$partial_t4 <- as.list(fitMeasures(partial, measures))
# Partial scalar invariance with only tver's t4 intercept freed (what axiosphere's search frees).
labelled <- paste("trust =~ t1 + c(l2,l2,l2)*t2 + c(l3,l3,l3)*t3 + c(l4,l4,l4)*t4 + c(l5,l5,l5)*t5 + c(l6,l6,l6)*t6",
  "t1 ~ c(i1,i1,i1)*1", "t2 ~ c(i2,i2,i2)*1", "t3 ~ c(i3,i3,i3)*1", "t4 ~ c(i4,i4,i4t)*1", "t5 ~ c(i5,i5,i5)*1",
  "t6 ~ c(i6,i6,i6)*1", "trust ~ c(0, NA, NA)*1", sep = "\n")
one <- cfa(labelled, data = sim, group = "city")
pe <- parameterEstimates(one)
out$twin$partial_tver_t4 <- list(fit = as.list(fitMeasures(one, measures)),
  latent_means = pe[pe$op == "~1" & pe$lhs == "trust", c("lhs", "group", "est", "se")])
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), file.path(here, "invariance.json"))
cat("wrote", file.path(here, "invariance.json"), "\n")

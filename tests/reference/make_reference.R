# Reference values for axiosphere's analysis tests, from R (psych, lavaan, semTools,
# effectsize, rstatix, survey). Run from the repository root:
#
#   Rscript tests/reference/make_reference.R
#
# It writes the data it used (bfi_items.csv, cities.csv) and reference.json beside
# itself; the tests read those files and never need R. Versions used are recorded
# in reference.json. Debian: apt-get install r-base-core r-cran-psych r-cran-lavaan
# r-cran-semtools r-cran-survey r-cran-effectsize r-cran-rstatix
suppressMessages({
  library(psych); library(lavaan); library(semTools); library(effectsize)
  library(rstatix); library(survey); library(jsonlite)
})
here <- "tests/reference"
out <- list(versions = list(R = R.version.string, psych = as.character(packageVersion("psych")),
  lavaan = as.character(packageVersion("lavaan")), semTools = as.character(packageVersion("semTools")),
  effectsize = as.character(packageVersion("effectsize")), rstatix = as.character(packageVersion("rstatix")),
  survey = as.character(packageVersion("survey"))))

# --- 1. Five personality scales with reverse-keyed items and missing values (psych::bfi) ---
data(bfi, package = "psych")
items <- bfi[, 1:25]
write.csv(cbind(id = seq_len(nrow(bfi)), bfi[, c(1:25, 26)]), file.path(here, "bfi_items.csv"), row.names = FALSE, na = "")
keys <- list(A = c("-A1", "A2", "A3", "A4", "A5"), C = c("C1", "C2", "C3", "-C4", "-C5"),
             E = c("-E1", "-E2", "E3", "E4", "E5"), N = c("N1", "N2", "N3", "N4", "N5"),
             O = c("O1", "-O2", "O3", "O4", "-O5"))
keyed <- function(scale) {
  k <- keys[[scale]]; cols <- sub("-", "", k)
  x <- items[, cols]
  for (i in seq_along(k)) if (startsWith(k[i], "-")) x[, i] <- 7 - x[, i]
  x[rowSums(!is.na(x)) > 0, ]
}
alpha_values <- function(x, use) {
  a <- psych::alpha(x, use = use, check.keys = FALSE, warnings = FALSE)
  list(n = nrow(x), alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha, average_r = a$total$average_r,
       feldt = c(a$feldt$lower.ci[[1]], a$feldt$upper.ci[[1]]),
       item_total_r = unname(a$item.stats$r.drop), alpha_if_deleted = unname(a$alpha.drop$raw_alpha))
}
omega_value <- function(x) {
  cols <- colnames(x)
  model <- paste("f =~", paste(cols, collapse = " + "))
  fit <- cfa(model, data = x, std.lv = TRUE, estimator = "ML")
  list(omega = unname(compRelSEM(fit)), loadings = unname(inspect(fit, "est")$lambda[, 1]),
       chisq = unname(fitMeasures(fit, "chisq")))
}
out$bfi <- list(keys = keys)
for (s in names(keys)) {
  x <- keyed(s)
  complete <- na.omit(x)
  out$bfi[[s]] <- list(items = sub("-", "", keys[[s]]), listwise = alpha_values(complete, "pairwise"),
                       pairwise = alpha_values(x, "pairwise"), omega_listwise = omega_value(complete))
}
# Reliability by group (gender 1/2), listwise.
x <- keyed("C"); g <- bfi$gender[rowSums(!is.na(items[, sub("-", "", keys$C)])) > 0]
out$bfi$C_by_gender <- lapply(split(x, g), function(part) alpha_values(na.omit(part), "pairwise"))

# --- 2. A simulated multi-city data set: cross-city comparisons and raking ---
set.seed(20261123)
cities <- c(orsha = 180, smolensk = 150, tver = 120, bondeno = 90)
shift <- c(orsha = 0, smolensk = 0.4, tver = -0.2, bondeno = 0.9)
rows <- lapply(names(cities), function(city) {
  n <- cities[[city]]
  data.frame(city = city,
    sex = sample(c("male", "female"), n, replace = TRUE, prob = c(0.4, 0.6)),
    age_band = sample(c("18-34", "35-54", "55+"), n, replace = TRUE, prob = c(0.2, 0.35, 0.45)),
    inst_trust = round(pmin(10, pmax(0, rnorm(n, 5 + shift[[city]], 2 + 0.3 * (city == "bondeno")))) * 7) / 7,
    gen_trust = round(pmin(10, pmax(0, rnorm(n, 5.5 - shift[[city]] / 2, 1.8))) * 3) / 3,
    coop = round(pmin(5, pmax(1, rnorm(n, 3.6 + shift[[city]] / 4, 0.7))) * 7) / 7)
})
cities_data <- do.call(rbind, rows)
cities_data$gen_trust[sample(nrow(cities_data), 25)] <- NA
cities_data$id <- seq_len(nrow(cities_data))
write.csv(cities_data, file.path(here, "cities.csv"), row.names = FALSE, na = "")
scales <- c("inst_trust", "gen_trust", "coop")
links <- list(c("orsha", "smolensk"), c("orsha", "tver"), c("orsha", "bondeno"))
out$cities <- list(scales = scales, links = links)
out$cities$descriptives <- lapply(scales, function(s) {
  d <- cities_data[!is.na(cities_data[[s]]), ]
  lapply(split(d[[s]], d$city), function(v) list(n = length(v), mean = mean(v), sd = sd(v)))
})
names(out$cities$descriptives) <- scales
out$cities$pairs <- list()
for (s in scales) for (l in links) {
  a <- na.omit(cities_data[cities_data$city == l[1], s]); b <- na.omit(cities_data[cities_data$city == l[2], s])
  tt <- t.test(a, b, var.equal = FALSE)
  w <- suppressWarnings(wilcox.test(a, b, exact = FALSE, correct = TRUE))
  g <- hedges_g(a, b, ci = 0.95, pooled_sd = TRUE)
  rb <- rank_biserial(a, b)
  # effectsize inverts the noncentral t with Nelder-Mead (good to ~1e-3); the exact bounds by uniroot:
  na <- length(a); nb <- length(b); dfp <- na + nb - 2
  sp <- sqrt(((na - 1) * var(a) + (nb - 1) * var(b)) / dfp); tp <- (mean(a) - mean(b)) / sp / sqrt(1 / na + 1 / nb)
  J <- exp(lgamma(dfp / 2) - log(sqrt(dfp / 2)) - lgamma((dfp - 1) / 2))
  bound <- function(target) uniroot(function(x) pt(tp, dfp, x) - target, c(tp - 20, tp + 20), tol = 1e-13)$root
  g_exact <- c(bound(0.975), bound(0.025)) * sqrt(1 / na + 1 / nb) * J
  out$cities$pairs[[length(out$cities$pairs) + 1]] <- list(scale = s, a = l[1], b = l[2],
    t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value, U = unname(w$statistic), p_mw = w$p.value,
    hedges_g = g$Hedges_g, g_ci = c(g$CI_low, g$CI_high), g_ci_exact = g_exact, rank_biserial = rb$r_rank_biserial)
}
holm <- list()
for (l in links) {
  ps <- sapply(out$cities$pairs, function(p) if (p$a == l[1] && p$b == l[2]) p$p else NA)
  ps <- ps[!is.na(ps)]
  holm[[paste(l, collapse = "|")]] <- p.adjust(ps, "holm")
  out$cities[[paste0("bh_", paste(l, collapse = "|"))]] <- p.adjust(ps, "BH")
}
out$cities$holm <- holm
out$cities$omnibus <- lapply(scales, function(s) {
  d <- cities_data[!is.na(cities_data[[s]]), ]
  f <- as.formula(paste(s, "~ city"))
  w <- oneway.test(f, data = d, var.equal = FALSE)
  a <- aov(f, data = d); sa <- summary(a)[[1]]
  om <- omega_squared(a, partial = FALSE, ci = NULL)
  gh <- games_howell_test(d, f)
  list(scale = s, welch_F = unname(w$statistic), df1 = unname(w$parameter[1]), df2 = unname(w$parameter[2]),
       p = w$p.value, anova_F = sa[["F value"]][1], anova_p = sa[["Pr(>F)"]][1], omega_sq = om$Omega2,
       games_howell = lapply(seq_len(nrow(gh)), function(i) list(a = gh$group1[i], b = gh$group2[i],
         diff = gh$estimate[i], p = gh$p.adj[i])))
})
# Weighted descriptives: survey::svymean with weights only.
cities_data$w <- 0.5 + (cities_data$id %% 7) / 4
# Each city is its own sample: strata = city, so each city's SE uses its own n.
design <- svydesign(ids = ~1, strata = ~city, weights = ~w, data = cities_data[!is.na(cities_data$gen_trust), ])
sm <- svyby(~gen_trust, ~city, design, svymean)
out$cities$weighted <- list(weights = "0.5 + (id %% 7) / 4", city = as.character(sm$city), mean = unname(sm$gen_trust), se = unname(sm$se))
# Raking each city to population margins of sex and age band (survey::rake).
margins <- list(sex = list(female = 0.54, male = 0.46), age_band = list("18-34" = 0.27, "35-54" = 0.33, "55+" = 0.40))
out$cities$rake <- list(margins = margins)
for (city in names(cities)) {
  d <- cities_data[cities_data$city == city, ]
  des <- svydesign(ids = ~1, weights = ~rep(1, nrow(d)), data = d)
  pop_sex <- data.frame(sex = names(margins$sex), Freq = nrow(d) * unlist(margins$sex, use.names = FALSE))
  pop_age <- data.frame(age_band = names(margins$age_band), Freq = nrow(d) * unlist(margins$age_band, use.names = FALSE))
  raked <- rake(des, list(~sex, ~age_band), list(pop_sex, pop_age), control = list(maxit = 100, epsilon = 1e-10))
  w <- weights(raked)
  out$cities$rake[[city]] <- list(id = d$id, weight = unname(w), deff_kish = nrow(d) * sum(w^2) / sum(w)^2)
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), file.path(here, "reference.json"))
cat("wrote", file.path(here, "reference.json"), "\n")

## Czas
rel-now = przed chwilą
rel-past-minutes = { $n } min temu
rel-past-hours = { $n } godz. temu
rel-past-days = { $count ->
    [one] { $n } dzień temu
   *[other] { $n } dni temu
}
rel-future-minutes = za { $n } min
rel-future-hours = za { $n } godz.
rel-future-days = { $count ->
    [one] za { $n } dzień
   *[other] za { $n } dni
}
span-seconds = { $n } s
span-minutes = { $n } min
span-minutes-seconds = { $n } min { $seconds } s
span-hours-minutes = { $n } godz. { $minutes } min
span-days = { $count ->
    [one] { $n } dzień
   *[other] { $n } dni
}

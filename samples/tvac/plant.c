/*
 * plant.c - the chamber model. The constants are chosen for a believable
 * half-minute demo, not fitted to a real chamber: roughing takes about ten
 * seconds, the shroud cools in a few, the platen settles in a few more.
 */
#include "plant.h"

#include <math.h>

#define ROUGH_TAU_S     1.0      /* roughing pump time constant */
#define ROUGH_ULTIMATE  2e-2     /* mbar */
#define CRYO_TAU_S      0.25     /* cryopumping time constant once cold */
#define CRYO_BASE       1e-7     /* mbar */
#define CRYO_ACTIVE_C   (-120.0) /* shroud must be colder than this to pump */
#define CRYO_MAX_MBAR_S 0.5      /* throughput limit: a gas burst swamps it */
#define VENT_TAU_S      0.1      /* vent and relief together */
#define INRUSH_MBAR_S   2000.0   /* vented: settles at 1013 + 2000 * 0.1 */
#define LEAK_NOMINAL    1e-4     /* mbar/s, scaled 0.5..1.5 by the seed */
#define P_FLOOR         1e-9

#define HEATER_C_S          40.0 /* platen heating at full power, C/s */
#define RAD_K               0.04 /* platen <-> shroud coupling, 1/s */
#define GAS_K               0.05 /* convection at atmosphere, 1/s */
#define LOOP_K              0.01 /* platen <-> coolant, 1/s */
#define SHROUD_LN2_C        (-175.0)
#define SHROUD_COLD_TAU_S   3.0
#define SHROUD_WARM_TAU_S   60.0
#define COOLANT_SUPPLY_C    18.0
#define COOLANT_TAU_S       5.0
#define COOLANT_HEAT_C_S    0.5   /* per unit heater duty */
#define COMPRESSOR_HEAT_C_S 1.5   /* warming of a stopped loop */
#define PLATEN_NOISE_C      0.002 /* process noise per step */

uint64_t tvac_plant_rand(struct tvac_plant *p)
{
	uint64_t z = (p->rng += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1) from the top 53 bits. */
static double plant_uniform(struct tvac_plant *p)
{
	return (double)(tvac_plant_rand(p) >> 11) * (1.0 / 9007199254740992.0);
}

double tvac_plant_noise(struct tvac_plant *p)
{
	double sum = 0.0;
	int i;

	for (i = 0; i < 4; i++)
		sum += plant_uniform(p);
	/* Sum of 4 U(0,1): mean 2, variance 1/3. */
	return (sum - 2.0) * 1.7320508075688772;
}

void tvac_plant_init(struct tvac_plant *p, uint64_t seed)
{
	p->rng = seed;
	p->p_mbar = TVAC_P_ATM_MBAR + 2.0 * tvac_plant_noise(p);
	p->t_platen = TVAC_T_AMBIENT_C + 0.5 * tvac_plant_noise(p);
	p->t_shroud = TVAC_T_AMBIENT_C + 0.5 * tvac_plant_noise(p);
	p->t_coolant = COOLANT_SUPPLY_C;
	p->leak_mbar_s = LEAK_NOMINAL * (0.5 + plant_uniform(p));
	p->flow_ok = false;
	p->inrush = false;
	p->heater_shorted = false;
	p->cooling_lost = false;
}

static double plant_pressure_rate(const struct tvac_plant *p, const struct tvac_plant_in *in)
{
	double rate = p->leak_mbar_s;

	if (in->rough)
		rate -= (p->p_mbar - ROUGH_ULTIMATE) / ROUGH_TAU_S;
	if (in->cryo && p->t_shroud < CRYO_ACTIVE_C)
		rate -= fmin((p->p_mbar - CRYO_BASE) / CRYO_TAU_S, CRYO_MAX_MBAR_S);
	if (in->vent)
		rate += (TVAC_P_ATM_MBAR - p->p_mbar) / VENT_TAU_S;
	if (p->inrush)
		rate += INRUSH_MBAR_S;
	return rate;
}

void tvac_plant_step(struct tvac_plant *p, const struct tvac_plant_in *in, double dt)
{
	double power = 0.0;
	double d_platen, d_shroud, d_coolant;
	double p_next;

	if (in->heater_en)
		power = p->heater_shorted ? 1.0 : fmin(fmax(in->duty, 0.0), 1.0);
	p->flow_ok = in->pump && !p->cooling_lost;

	d_platen = HEATER_C_S * power - RAD_K * (p->t_platen - p->t_shroud) -
	           GAS_K * (p->p_mbar / TVAC_P_ATM_MBAR) * (p->t_platen - TVAC_T_AMBIENT_C);
	if (p->flow_ok)
		d_platen -= LOOP_K * (p->t_platen - p->t_coolant);

	if (in->cryo)
		d_shroud = (SHROUD_LN2_C - p->t_shroud) / SHROUD_COLD_TAU_S;
	else
		d_shroud = (TVAC_T_AMBIENT_C - p->t_shroud) / SHROUD_WARM_TAU_S;

	d_coolant = COOLANT_HEAT_C_S * power;
	if (p->flow_ok)
		d_coolant += (COOLANT_SUPPLY_C - p->t_coolant) / COOLANT_TAU_S;
	else
		d_coolant += COMPRESSOR_HEAT_C_S;

	/* Pressure spans twelve decades: step it, then keep it physical. */
	p_next = p->p_mbar + dt * plant_pressure_rate(p, in);
	p->p_mbar = p_next > P_FLOOR ? p_next : P_FLOOR;
	p->t_platen += dt * d_platen + PLATEN_NOISE_C * tvac_plant_noise(p);
	p->t_shroud += dt * d_shroud;
	p->t_coolant += dt * d_coolant;
}
